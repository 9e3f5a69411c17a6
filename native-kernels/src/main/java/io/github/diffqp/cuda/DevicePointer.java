package io.github.diffqp.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * A {@link CUdeviceptr} that converts to and from a plain {@code long} address. JCuda keeps the address
 * in protected fields; the backend keeps addresses as {@code long}s (pointer arithmetic for per-problem
 * offsets, pointer arrays built on the device) and wraps them only at the JCuda call.
 */
final class DevicePointer extends CUdeviceptr {
    private static final CUdeviceptr NULL = new CUdeviceptr();

    /** An empty pointer for {@code cuMemAlloc} to fill in. */
    DevicePointer() {
    }

    private DevicePointer(long address) {
        // JCuda passes nativePointer + byteOffset to the native side: the null pointer plus the address.
        super(NULL, address);
    }

    static DevicePointer at(long address) {
        return new DevicePointer(address);
    }

    long address() {
        return getNativePointer() + getByteOffset();
    }
}
