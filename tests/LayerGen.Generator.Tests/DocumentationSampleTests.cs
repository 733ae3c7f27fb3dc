using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Xunit;
using Xunit.Sdk;

namespace LayerGen.Generator.Tests;

/// <summary>
/// Every C# sample of docs/ops.md and docs/diagnostics.md does what the comment above it says
/// (compiles clean, or triggers exactly the diagnostics it is shown with; see <see cref="DocSamples"/>),
/// and a sample without such a comment fails. The check itself is tested on made-up Markdown.
/// </summary>
public sealed class DocumentationSampleTests
{
    private static readonly string[] Files = ["docs/ops.md", "docs/diagnostics.md"];

    public static TheoryData<string, int> Samples()
    {
        var data = new TheoryData<string, int>();
        foreach (string file in Files)
        {
            foreach (DocSample sample in DocSamples.Parse(file, RepositoryFiles.Read(file)))
            {
                data.Add(file, sample.Line);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void The_sample_does_what_its_annotation_says(string file, int line)
    {
        DocSamples.Verify(DocSamples.Parse(file, RepositoryFiles.Read(file)).Single(s => s.Line == line));
    }

    [Fact]
    public void Both_files_have_samples()
    {
        Assert.True(DocSamples.Parse("docs/ops.md", RepositoryFiles.Read("docs/ops.md")).Count >= 3);
        Assert.True(DocSamples.Parse("docs/diagnostics.md", RepositoryFiles.Read("docs/diagnostics.md")).Count >= 20);
    }

    private const string Clean = """
        using LayerGen;

        namespace Demo;

        [Layer]
        public partial class Twice
        {
            Tensor Forward(Tensor x) => x * 2f;
        }
        """;

    [Fact]
    public void The_parser_finds_each_block_with_its_line_and_annotation()
    {
        var samples = DocSamples.Parse("made-up.md", $"# Title\n\n<!-- compiles -->\n```csharp\n{Clean}\n```\n\n```sh\nls\n```\n\n```csharp\nint x;\n```\n");

        Assert.Equal(2, samples.Count);
        Assert.Equal((4, "compiles"), (samples[0].Line, samples[0].Annotation));
        Assert.StartsWith("using LayerGen;", samples[0].Code, System.StringComparison.Ordinal);
        Assert.Equal((20, (string?)null), (samples[1].Line, samples[1].Annotation));
    }

    [Fact]
    public void A_block_without_an_annotation_fails()
    {
        var failure = Assert.Throws<FailException>(() => DocSamples.Verify(new DocSample("made-up.md", 7, Clean, null)));
        Assert.Contains("made-up.md:7: the C# block has no annotation", failure.Message);
    }

    [Fact]
    public void A_clean_block_shown_as_triggering_fails_and_so_does_a_triggering_block_shown_as_clean()
    {
        string notPartial = Clean.Replace("partial class", "class", System.StringComparison.Ordinal);

        DocSamples.Verify(new DocSample("made-up.md", 1, Clean, "compiles"));
        DocSamples.Verify(new DocSample("made-up.md", 1, notPartial, "triggers LG0001"));
        Assert.Contains("should trigger exactly LG0001", Assert.ThrowsAny<XunitException>(() => DocSamples.Verify(new DocSample("made-up.md", 1, Clean, "triggers LG0001"))).Message);
        Assert.Contains("should compile clean", Assert.ThrowsAny<XunitException>(() => DocSamples.Verify(new DocSample("made-up.md", 1, notPartial, "fixed LG0001"))).Message);
    }

    [Fact]
    public void A_triggering_block_with_another_diagnostic_or_a_compiler_error_fails()
    {
        string twoProblems = """
            using LayerGen;

            namespace Demo;

            [Layer]
            public class Twice
            {
                Tensor Forward(Tensor x) => x * 2f;
            }

            [Layer]
            public partial class Unsized
            {
                [Parameter] Tensor weight = Tensor.Randn(3);
                [Parameter] Tensor unused = Tensor.Randn(3);

                Tensor Forward(Tensor x) => x * weight;
            }
            """;
        string compilerError = Clean.Replace("x * 2f;", "x * 2f;\n    int Broken() => \"no\";", System.StringComparison.Ordinal);

        DocSamples.Verify(new DocSample("made-up.md", 1, twoProblems, "triggers LG0001 LG0011"));
        Assert.Contains("should trigger exactly LG0001", Assert.ThrowsAny<XunitException>(() => DocSamples.Verify(new DocSample("made-up.md", 1, twoProblems, "triggers LG0001"))).Message);
        Assert.Contains("the compiler reports", Assert.ThrowsAny<XunitException>(() => DocSamples.Verify(new DocSample("made-up.md", 1, compilerError.Replace("partial class", "class", System.StringComparison.Ordinal), "triggers LG0001"))).Message);
    }

    [Fact]
    public void Fragments_are_wrapped_into_a_file()
    {
        var members = new DocSample("made-up.md", 1, "[Parameter] Tensor gain = Tensor.Ones(n);\n\nTensor Forward(Tensor x) => x * gain;\n", null);

        Assert.Equal(
            "using LayerGen;\n\nnamespace Docs;\n\n[Layer] public partial class Gain(int n)\n{\n    [Parameter] Tensor gain = Tensor.Ones(n);\n\n    Tensor Forward(Tensor x) => x * gain;\n}\n",
            DocSamples.Wrap(members, "fragment: members of [Layer] public partial class Gain(int n)"));
        DocSamples.Verify(members with { Annotation = "compiles; fragment: members of [Layer] public partial class Gain(int n)" });
        DocSamples.Verify(new DocSample("made-up.md", 1, Clean[(Clean.IndexOf('[', System.StringComparison.Ordinal))..], "compiles; fragment: declarations"));
    }

    [Fact]
    public void A_malformed_annotation_fails()
    {
        Assert.Contains("is not an expectation", Assert.Throws<FailException>(() => DocSamples.Verify(new DocSample("made-up.md", 1, Clean, "should compile"))).Message);
        Assert.Contains("is not a fragment kind", Assert.Throws<FailException>(() => DocSamples.Verify(new DocSample("made-up.md", 1, Clean, "compiles; fragment: a bit"))).Message);
    }
}
