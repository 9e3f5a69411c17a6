package io.github.diffqp.spark;

import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The mapping from a task's Spark resources to a CUDA device (GPU scheduling cannot run in local mode). */
class ExecutorGpuTest {
    private static ResourceInformation gpu(String... addresses) {
        return new ResourceInformation("gpu", addresses);
    }

    @Test
    void theTasksFirstGpuAddressIsTheDeviceOrdinal() {
        assertEquals(OptionalInt.of(0), ExecutorGpu.cudaOrdinal(Map.of("gpu", gpu("0"))));
        assertEquals(OptionalInt.of(3), ExecutorGpu.cudaOrdinal(Map.of("gpu", gpu("3"))));
        assertEquals(OptionalInt.of(2), ExecutorGpu.cudaOrdinal(Map.of("gpu", gpu("2", "5"))));
        assertEquals(OptionalInt.of(1), ExecutorGpu.cudaOrdinal(Map.of("fpga", new ResourceInformation("fpga",
                new String[] {"7"}), "gpu", gpu(" 1 "))));
    }

    @Test
    void noGpuOrAnAddressThatIsNoIndexLeavesTheChoiceToTheBackend() {
        assertEquals(OptionalInt.empty(), ExecutorGpu.cudaOrdinal(Map.of()));
        assertEquals(OptionalInt.empty(), ExecutorGpu.cudaOrdinal(null));
        assertEquals(OptionalInt.empty(), ExecutorGpu.cudaOrdinal(Map.of("gpu", gpu())));
        assertEquals(OptionalInt.empty(), ExecutorGpu.cudaOrdinal(Map.of("gpu",
                gpu("MIG-3b3c7a0e-8a5a-5f1e-9d7e-2f7a1c0b9e11"))));
        assertEquals(OptionalInt.empty(), ExecutorGpu.cudaOrdinal(Map.of("gpu", gpu("-1"))));
        assertEquals(OptionalInt.empty(), ExecutorGpu.cudaOrdinal(Map.of("fpga",
                new ResourceInformation("fpga", new String[] {"0"}))));
    }
}
