using Microsoft.ML.OnnxRuntime;

namespace NetGen.Onnx.Tests;

public class OrtSmokeTests
{
    [Fact]
    public void OnnxRuntimeLoads() => Assert.NotEmpty(OrtEnv.Instance().GetAvailableProviders());
}
