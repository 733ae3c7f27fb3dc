using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;
using Xunit.Sdk;

namespace LayerGen.Generator.Tests.Infrastructure;

/// <summary>
/// The harness, tested with toy generators (so it is trusted before LayerGen's own generator is
/// tested with it): a caching assertion that can fail, a Roslyn-object walk that finds a leak.
/// </summary>
public sealed class GeneratorHarnessTests
{
    private const string Layer = """
        using LayerGen;

        namespace Demo;

        [Layer]
        public sealed partial class MyLinear
        {
            public int Use() => Generated;
        }
        """;

    [Fact]
    public void A_run_returns_the_generated_sources_and_no_diagnostics()
    {
        GeneratorRun run = GeneratorHarness.Run<PlainGenerator>(Layer);

        run.AssertClean();
        Assert.Equal(["MyLinear.g.cs"], run.GeneratedSources.Keys);
        Assert.Contains("Generated => 8", run.Source("MyLinear.g.cs"));
    }

    [Fact]
    public void Compilation_diagnostics_hold_errors_and_warnings_but_not_hidden_ones()
    {
        GeneratorRun run = GeneratorHarness.Run<PlainGenerator>("using System.Text; class C { string s; int M() => undefined; }");

        Assert.Contains(run.CompilationErrors, d => d.Id == "CS0103");
        Assert.Contains(run.CompilationDiagnostics, d => d.Id == "CS8618"); // nullable is on
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Hidden); // CS8019 unused using
        Assert.Throws<FailException>(run.AssertClean);
    }

    [Fact]
    public void A_generator_exception_is_captured()
    {
        GeneratorRun run = GeneratorHarness.Run(new ThrowingGenerator(), "class C { }");

        Assert.IsType<InvalidOperationException>(run.Exception);
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "CS8785");
    }

    [Fact]
    public void Unrelated_edits_leave_a_plain_pipeline_cached()
    {
        Func<Microsoft.CodeAnalysis.CSharp.CSharpCompilation, Microsoft.CodeAnalysis.CSharp.CSharpCompilation>[] edits =
        [
            GeneratorHarness.Edits.Clone,
            GeneratorHarness.Edits.AddUnrelatedSource(),
            GeneratorHarness.Edits.ReplaceSource(0, Layer + "\n// a comment changes no model\n"),
        ];
        foreach (var edit in edits)
        {
            var (first, second) = GeneratorHarness.RunTwice<PlainGenerator>([Layer], edit);

            GeneratorHarness.AssertAllTrackedStepsCachedOrUnchanged(second.RunResult, "Layers", "Named");
            GeneratorHarness.AssertAllTrackedStepsCachedOrUnchanged(second.RunResult); // all of the generator's own
            GeneratorHarness.AssertSourceOutputsCached(second.RunResult);
            GeneratorHarness.AssertNoRoslynObjectsInStepOutputs(first.RunResult);
            GeneratorHarness.AssertNoRoslynObjectsInStepOutputs(second.RunResult, "Layers", "Named");
        }
    }

    [Fact]
    public void A_real_change_is_reported_as_modified()
    {
        var (_, second) = GeneratorHarness.RunTwice<PlainGenerator>(
            [Layer], GeneratorHarness.Edits.ReplaceSource(0, Layer.Replace("MyLinear", "MyLinear2", StringComparison.Ordinal)));

        var failure = Assert.Throws<FailException>(
            () => GeneratorHarness.AssertAllTrackedStepsCachedOrUnchanged(second.RunResult, "Layers", "Named"));
        Assert.Contains("Layers run 0 output 0: Modified", failure.Message);
        Assert.Equal(["MyLinear2.g.cs"], second.GeneratedSources.Keys);
    }

    [Fact]
    public void An_unknown_tracking_name_fails_instead_of_passing_vacuously()
    {
        var (_, second) = GeneratorHarness.RunTwice<PlainGenerator>([Layer], GeneratorHarness.Edits.Clone);

        var failure = Assert.Throws<FailException>(
            () => GeneratorHarness.AssertAllTrackedStepsCachedOrUnchanged(second.RunResult, "Layerz"));
        Assert.Contains("'Layerz'", failure.Message);
        Assert.Contains("Layers, Named", failure.Message); // what was tracked, without Roslyn's own steps
    }

    [Fact]
    public void Symbols_and_locations_in_step_outputs_are_found()
    {
        // Through RunAgain with a fresh driver: Run itself stops at its caching check, which this generator fails.
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(Layer);
        GeneratorRun first = GeneratorHarness.RunAgain(GeneratorHarness.CreateDriver(new LeakyGenerator()), compilation);
        GeneratorRun second = GeneratorHarness.RunAgain(first.Driver, GeneratorHarness.Edits.AddUnrelatedSource()(compilation));

        var leak = Assert.Throws<FailException>(() => GeneratorHarness.AssertNoRoslynObjectsInStepOutputs(first.RunResult));
        Assert.Contains("Layers[0].Outputs[0].Item2", leak.Message);
        Assert.Contains("ISymbol", leak.Message);
        Assert.Contains("Layers[0].Outputs[0].Item3[0]", leak.Message);
        Assert.Contains("Location", leak.Message);

        // A symbol is never equal across compilations, so the step cannot be cached either.
        Assert.Throws<FailException>(() => GeneratorHarness.AssertAllTrackedStepsCachedOrUnchanged(second.RunResult, "Layers"));
    }

    [Fact]
    public void Every_run_fails_when_a_second_run_on_a_clone_is_not_served_from_the_cache()
    {
        var failure = Assert.Throws<FailException>(() => GeneratorHarness.Run<LeakyGenerator>(Layer));

        Assert.Contains("Cached or Unchanged", failure.Message);
        Assert.Contains("Layers", failure.Message);
    }

    /// <summary>A well-behaved pipeline: plain equatable data after extraction.</summary>
    private sealed class PlainGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<(string Name, string Namespace)> layers = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    "LayerGen.LayerAttribute",
                    static (node, _) => node is ClassDeclarationSyntax,
                    static (ctx, _) => (ctx.TargetSymbol.Name, ctx.TargetSymbol.ContainingNamespace.ToDisplayString()))
                .WithTrackingName("Layers");
            IncrementalValuesProvider<(string Name, string Namespace, int Length)> named = layers
                .Select(static (layer, _) => (layer.Name, layer.Namespace, layer.Name.Length))
                .WithTrackingName("Named");
            context.RegisterSourceOutput(named, static (spc, layer) => spc.AddSource(
                layer.Name + ".g.cs",
                $"namespace {layer.Namespace} {{ partial class {layer.Name} {{ public int Generated => {layer.Length}; }} }}"));
        }
    }

    /// <summary>Keeps a symbol and a location in its model: the mistake the harness must catch.</summary>
    private sealed class LeakyGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var layers = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    "LayerGen.LayerAttribute",
                    static (node, _) => node is ClassDeclarationSyntax,
                    static (ctx, _) => (ctx.TargetSymbol.Name, ctx.TargetSymbol, new List<Location> { ctx.TargetNode.GetLocation() }))
                .WithTrackingName("Layers");
            context.RegisterSourceOutput(layers, static (spc, layer) => spc.AddSource(
                layer.Name + ".g.cs",
                $"namespace Demo {{ partial class {layer.Name} {{ public int Generated => 0; }} }}"));
        }
    }

    private sealed class ThrowingGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context) =>
            context.RegisterSourceOutput(context.CompilationProvider, static (_, _) => throw new InvalidOperationException("boom"));
    }
}
