using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using NetGen.Generators.Diagnostics;
using Xunit;

namespace NetGen.Generators.Tests;

/// <summary>
/// docs/diagnostics.md, read from the source tree: every descriptor links to its entry there, and each entry's two
/// examples do what the entry says, the first getting exactly that diagnostic and the second none.
/// </summary>
public sealed partial class DocumentationTests
{
    private static readonly Lazy<string> Document = new(() => File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "diagnostics.md")));

    public static TheoryData<string> Ids() => new(Descriptors().Select(descriptor => descriptor.Id));

    [Fact]
    public void Every_descriptor_links_to_an_anchor_of_docs_diagnostics_md()
    {
        HashSet<string> anchors = Anchors(Document.Value);
        Assert.All(Descriptors(), descriptor =>
        {
            string link = descriptor.HelpLinkUri;
            Assert.StartsWith(DiagnosticDescriptors.HelpLinkBase + "#", link, StringComparison.Ordinal);
            Assert.True(Uri.IsWellFormedUriString(link, UriKind.Absolute), $"{descriptor.Id}: '{link}' is not an absolute URI.");
            string anchor = link[(DiagnosticDescriptors.HelpLinkBase.Length + 1)..];
            Assert.Equal(descriptor.Id.ToLowerInvariant(), anchor);
            Assert.Contains(anchor, anchors);
        });
    }

    [Fact]
    public void Every_entry_of_docs_diagnostics_md_is_a_descriptor()
    {
        // No entry for an ID that does not exist (or no longer does), and entries in ID order.
        string[] documented = Sections(Document.Value).Select(section => section.Id).ToArray();
        Assert.Equal(Descriptors().Select(descriptor => descriptor.Id).Order(StringComparer.Ordinal), documented);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_examples_get_their_diagnostic_and_the_fixed_one_none(string id)
    {
        (string _, string[] examples) = Assert.Single(Sections(Document.Value), section => section.Id == id);
        if (id == DiagnosticDescriptors.InternalError.Id)
        {
            Assert.Empty(examples); // nothing should trigger it
            return;
        }
        Assert.Equal(2, examples.Length);

        GeneratorRun wrong = GeneratorHarness.Run("using NetGen;\n\n" + examples[0]);
        Assert.Empty(wrong.InputErrors.Select(diagnostic => diagnostic.ToString()));
        Assert.Equal([id], wrong.GeneratorDiagnostics.Select(diagnostic => diagnostic.Id).Distinct());
        Assert.Empty(wrong.OutputErrors.Select(diagnostic => diagnostic.ToString()));

        GeneratorRun fixedRun = GeneratorHarness.Run("using NetGen;\n\n" + examples[1]);
        Assert.Empty(fixedRun.InputErrors.Select(diagnostic => diagnostic.ToString()));
        Assert.Empty(fixedRun.GeneratorDiagnostics.Select(diagnostic => diagnostic.ToString()));
        Assert.Empty(fixedRun.OutputErrors.Select(diagnostic => diagnostic.ToString()));
    }

    private static IEnumerable<DiagnosticDescriptor> Descriptors() =>
        typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.FieldType == typeof(DiagnosticDescriptor))
            .Select(field => (DiagnosticDescriptor)field.GetValue(null)!);

    /// <summary>GitHub's anchors of the "## " headings: lower case, punctuation dropped, spaces as '-'.</summary>
    private static HashSet<string> Anchors(string markdown) =>
        Headings().Matches(markdown)
            .Select(match => Regex.Replace(match.Groups[1].Value.Trim().ToLowerInvariant(), @"[^\p{L}\p{Nd}\- _]", "").Replace(' ', '-'))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Each "## NG…" section: its ID and its ```csharp blocks in order.</summary>
    private static IEnumerable<(string Id, string[] Examples)> Sections(string markdown)
    {
        MatchCollection headings = Headings().Matches(markdown);
        for (int i = 0; i < headings.Count; i++)
        {
            int start = headings[i].Index + headings[i].Length;
            int end = i + 1 < headings.Count ? headings[i + 1].Index : markdown.Length;
            string[] blocks = CodeBlocks().Matches(markdown[start..end]).Select(block => block.Groups[1].Value).ToArray();
            yield return (headings[i].Groups[1].Value.Trim(), blocks);
        }
    }

    [GeneratedRegex(@"^## (.+)$", RegexOptions.Multiline)]
    private static partial Regex Headings();

    [GeneratedRegex(@"^```csharp\r?\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlocks();

    /// <summary>The directory with NetGen.sln, above the test's output directory.</summary>
    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NetGen.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No NetGen.sln above {AppContext.BaseDirectory}.");
    }
}
