using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;
using Xunit;

namespace NetGen.Generators.Tests;

/// <summary>Diagnostics travel through the cached pipeline as <see cref="DiagnosticInfo"/>, so they must compare by value, properties included.</summary>
public sealed class DiagnosticInfoTests
{
    private static DiagnosticInfo Ng0029(string height) =>
        DiagnosticInfo.Create(DiagnosticDescriptors.WindowLargerThanInput, null, "Conv2D", "conv1")
            .WithProperties(("InputHeight", height), ("InputWidth", "4"));

    [Fact]
    public void Equal_properties_compare_equal_and_different_ones_do_not()
    {
        Assert.Equal(Ng0029("4"), Ng0029("4"));
        Assert.Equal(Ng0029("4").GetHashCode(), Ng0029("4").GetHashCode());
        Assert.NotEqual(Ng0029("4"), Ng0029("5"));
        Assert.NotEqual(Ng0029("4"), DiagnosticInfo.Create(DiagnosticDescriptors.WindowLargerThanInput, null, "Conv2D", "conv1"));
    }

    [Fact]
    public void Properties_reach_the_reported_diagnostic()
    {
        Diagnostic diagnostic = Ng0029("3").ToDiagnostic(CSharpCompilation.Create("Empty"));

        Assert.Equal("3", diagnostic.Properties["InputHeight"]);
        Assert.Equal("4", diagnostic.Properties["InputWidth"]);
        Assert.Empty(DiagnosticInfo.Create(DiagnosticDescriptors.NotPartial, null, "Net").ToDiagnostic(CSharpCompilation.Create("Empty")).Properties);
    }
}
