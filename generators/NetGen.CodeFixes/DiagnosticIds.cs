namespace NetGen.CodeFixes;

/// <summary>
/// The IDs of the generator's diagnostics these fixes handle, as NetGen.Generators' DiagnosticDescriptors define them
/// (this assembly does not reference the generator; a test checks the two agree).
/// </summary>
internal static class DiagnosticIds
{
    public const string NotPartial = "NG0001";
    public const string SoftmaxNotLast = "NG0005";
    public const string CrossEntropyNeedsProbabilities = "NG0006";
    public const string MeanSquaredErrorOnSoftmax = "NG0007";
    public const string DenseNeedsFlatInput = "NG0014";
    public const string WindowLargerThanInput = "NG0029";
}
