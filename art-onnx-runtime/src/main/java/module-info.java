/** ONNX Runtime denoisers and JVP graphs for art-scheduler, with execution-provider choice and an FD JVP. */
@SuppressWarnings("requires-automatic")
module dev.artsched.onnx {
    requires transitive dev.artsched.api;
    requires com.microsoft.onnxruntime;
    requires org.slf4j;

    exports dev.artsched.onnx;

    provides dev.artsched.scheduler.adaptive.AdaptivePolicyProvider with dev.artsched.onnx.OnnxPolicy.Provider;
}
