package io.github.diffqp.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

import java.util.Map;
import java.util.OptionalInt;

/**
 * Which CUDA device a task solves on: the GPU that Spark's scheduler assigned it
 * ({@code spark.task.resource.gpu.amount}), as its discovery script named it. The CUDA backend picks its
 * device once per process, on its first probe, from the system property {@value #DEVICE_PROPERTY}
 * (native-kernels' CudaRuntime); the first task of an executor sets that property before its first solve.
 * So an executor drives one GPU: give each executor one ({@code spark.executor.resource.gpu.amount=1}),
 * which is also how Spark shares a GPU between an executor's concurrent tasks.
 */
final class ExecutorGpu {
    /** Read by native-kernels' CudaRuntime on its first probe. */
    static final String DEVICE_PROPERTY = "diffqp.cuda.device";
    /** Spark's name for the GPU resource. */
    static final String RESOURCE = "gpu";

    private ExecutorGpu() {
    }

    /**
     * The CUDA device ordinal for a task's resources: the first GPU address assigned to it, when that
     * address is a device index (what nvidia-smi based discovery scripts report); empty when the task has
     * no GPU or its address is not an index (a MIG or UUID address, where the cluster manager's
     * CUDA_VISIBLE_DEVICES already shows the task its device as ordinal 0).
     */
    static OptionalInt cudaOrdinal(Map<String, ResourceInformation> resources) {
        ResourceInformation gpu = resources == null ? null : resources.get(RESOURCE);
        if (gpu == null || gpu.addresses().length == 0) {
            return OptionalInt.empty();
        }
        String address = gpu.addresses()[0].trim();
        if (!address.matches("\\d{1,9}")) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(address));
    }

    /**
     * Points the CUDA backend at the running task's GPU, unless it was pointed already (by an earlier task
     * of this executor, or by the user with {@code -Ddiffqp.cuda.device}). Does nothing outside a task and
     * for tasks without a GPU. Synchronized: an executor's first tasks start together.
     */
    static synchronized void bindTaskGpu() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return;
        }
        OptionalInt ordinal = cudaOrdinal(task.resourcesJMap());
        if (ordinal.isPresent() && System.getProperty(DEVICE_PROPERTY) == null) {
            System.setProperty(DEVICE_PROPERTY, Integer.toString(ordinal.getAsInt()));
        }
    }
}
