package dev.basalt.kernels.gpu;

/** An OpenCL call failed: the message names the call and the CL error (and, for a build, the compiler's log). */
public final class OpenClException extends RuntimeException {
    private final int code;

    OpenClException(String call, int code, String detail) {
        super(call + " failed: " + ClError.name(code) + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        this.code = code;
    }

    /** The CL error code ({@code CL_OUT_OF_RESOURCES} = -5, ...). */
    public int code() {
        return code;
    }
}
