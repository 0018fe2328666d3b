package dev.artsched.onnx;

import ai.onnxruntime.OrtException;
import dev.artsched.scheduler.ArtException;

/**
 * How one view of an ONNX graph words its failures: every {@link OrtException} is turned into an
 * {@link ArtException} exactly once, here, so each view keeps its own established messages.
 */
interface OrtErrors {

    /** The session could not be created or its signature could not be read. */
    ArtException loadFailed(OrtException e);

    /** A run on {@code batch} samples failed. */
    ArtException runFailed(OrtException e, int batch);

    /** A call after {@link OrtModel#close()}. */
    ArtException closed();

    /** Closing the session failed. */
    ArtException closeFailed(OrtException e);

    /** The messages of {@link OnnxDenoiser} and {@link OnnxJvpDenoiser} for a model of {@code bytes} bytes. */
    static OrtErrors standard(String label, long bytes) {
        return new OrtErrors() {
            @Override
            public ArtException loadFailed(OrtException e) {
                String found = e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_PROTOBUF
                        ? "a truncated or corrupt file" : "a graph ONNX Runtime cannot load";
                return new ArtException("could not load ONNX model " + label + " (" + bytes + " bytes): expected a "
                        + "valid ONNX model, found " + found + " (" + describe(e) + ")", e);
            }

            @Override
            public ArtException runFailed(OrtException e, int batch) {
                return new ArtException("ONNX Runtime failed running model " + label + " on a batch of " + batch
                        + " (" + describe(e) + ")", e);
            }

            @Override
            public ArtException closed() {
                return new ArtException("ONNX model " + label + " is closed; expected an open model");
            }

            @Override
            public ArtException closeFailed(OrtException e) {
                return new ArtException("closing ONNX model " + label + " failed (" + describe(e) + ")", e);
            }
        };
    }

    /** {@code ORT error CODE: first line of the message}. */
    static String describe(OrtException e) {
        return "ORT error " + e.getCode() + ": " + firstLine(e.getMessage());
    }

    /** The first line of an ORT message without its "Error code - X - message: " prefix. */
    static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        String marker = " - message: ";
        int m = s.indexOf(marker);
        if (s.startsWith("Error code - ") && m > 0) {
            s = s.substring(m + marker.length());
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
