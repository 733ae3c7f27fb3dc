using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// A Sequential whose first layer takes int64 ids (issue 16): a layer taking ids anywhere else is LG0014 on that argument
/// (C# refuses it too, CS1503); after the ids layer the next layer's input may add leading feature dimensions (the ids'
/// shape: an embedding of [*, steps] ids feeds a [*, steps, dim] layer), but its last ones must still be the embedding's.
/// </summary>
public sealed class IdsSequentialDiagnosticTests
{
    private const string Layers = """
        using LayerGen;

        namespace Demo;

        [Layer]
        public partial class TokenEmbedding(int vocab, int dim)
        {
            [Parameter] Tensor weight = Tensor.Randn(vocab, dim);

            Tensor Forward(Tensor indices) => weight[indices];
        }

        [Layer(Input = "[*, steps, dim]")]
        public partial class FlattenSteps(int steps, int dim)
        {
            Tensor Forward(Tensor x) => x.Reshape(-1, steps * dim);
        }

        """;

    [Fact]
    public void LG0014_a_layer_taking_ids_after_the_first()
    {
        var (source, spans) = Markup.Parse(Layers + """
            public static class Model
            {
                public static Sequential Make() => new Sequential(new ReLU(), {|LG0014:new TokenEmbedding(100, 16)|}, new Linear(16, 4));
            }
            """);
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(source);
        Assert.Null(run.Exception);
        var error = Assert.Single(run.GeneratorDiagnostics, d => d.Id.StartsWith("LG", System.StringComparison.Ordinal));
        Assert.Equal("LG0014", error.Id);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal(spans.Single().Span, error.Location.SourceSpan);
        Assert.Equal(
            "'new TokenEmbedding(100, 16)' takes int64 ids, but 'new ReLU()' before it produces floats; only the first layer of a Sequential may take ids (new Sequential(embedding, ...))",
            error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["CS1503"], run.CompilationErrors.Select(d => d.Id).Distinct());
    }

    [Fact]
    public void An_embedding_first_feeding_a_layer_of_its_steps_compiles_clean()
    {
        string source = Layers + """
            public static class Model
            {
                public static Sequential Make() => new Sequential(new TokenEmbedding(100, 16), new FlattenSteps(5, 16), new Linear(80, 4));

                public static Sequential BuiltIn() => new Sequential(new Embedding(100, 16), new ReLU(), new Linear(16, 4));
            }
            """;
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(source);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Empty(run.CompilationErrors);
    }

    [Fact]
    public void LG0010_when_the_layer_after_the_embedding_does_not_end_with_its_features()
    {
        var (source, spans) = Markup.Parse(Layers + """
            public static class Model
            {
                public static Sequential Make() => new Sequential(new Embedding(100, 16), {|LG0010:new FlattenSteps(5, 8)|});
            }
            """);
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(source);
        Assert.Null(run.Exception);
        var error = Assert.Single(run.GeneratorDiagnostics, d => d.Id.StartsWith("LG", System.StringComparison.Ordinal));
        Assert.Equal("LG0010", error.Id);
        Assert.Equal(spans.Single().Span, error.Location.SourceSpan);
        Assert.Equal(
            "'new FlattenSteps(5, 8)' expects [5, 8] input feature(s) but 'new Embedding(100, 16)' before it produces 16",
            error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }
}
