using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace NetGen.CodeFixes.Tests;

/// <summary>
/// One fix applied to <c>before</c>, whose NG diagnostics are marked <c>{|NG00xx:…|}</c> as in the generator's
/// tests; the result must equal <c>after</c> and have no diagnostic at all: no NG diagnostic, no compiler error in the
/// source, none in the generated code (NGTEST01).
/// </summary>
internal static class Verify
{
    /// <summary>
    /// .NET 10's reference pack: the testing library's own presets (Net80, Net90, Default) name x.0.0 packs the package
    /// mirror here lacks. NuGet restores it once into the library's cache.
    /// </summary>
    public static readonly ReferenceAssemblies Net10 = new(
        "net10.0", new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.12"), Path.Combine("ref", "net10.0"));

    public static Task FixAsync<TCodeFix>(string before, string after, string equivalenceKey, params string[] otherSources)
        where TCodeFix : CodeFixProvider, new() =>
        FixAsync<TCodeFix>([before, .. otherSources], [after, .. otherSources], equivalenceKey);

    public static async Task FixAsync<TCodeFix>(string[] before, string[] after, string equivalenceKey)
        where TCodeFix : CodeFixProvider, new()
    {
        var test = new Test<TCodeFix> { CodeActionEquivalenceKey = equivalenceKey };
        foreach (string source in before)
        {
            test.TestState.Sources.Add(source);
        }
        foreach (string source in after)
        {
            test.FixedState.Sources.Add(source);
        }
        await test.RunAsync();
    }

    /// <summary>That no fix is offered for the marked diagnostics in <paramref name="source"/>.</summary>
    public static async Task NoFixAsync<TCodeFix>(string source)
        where TCodeFix : CodeFixProvider, new()
    {
        var test = new Test<TCodeFix> { TestCode = source, FixedCode = source };
        await test.RunAsync();
    }

    private sealed class Test<TCodeFix> : CSharpCodeFixTest<GeneratorAnalyzer, TCodeFix, DefaultVerifier>
        where TCodeFix : CodeFixProvider, new()
    {
        public Test()
        {
            ReferenceAssemblies = Net10;
            TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location));
        }
    }
}
