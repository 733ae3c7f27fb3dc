using System.Collections.Generic;
using System.Linq;
using LayerGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LayerGen.Generator.Tests;

/// <summary>
/// What the generator writes must compile whenever the user's code does, and must at least parse
/// when the user's code is half-written: the user's names and source text are copied into it, so
/// names that clash, names that are keywords, names not typed yet and text over several lines all
/// have to come out right. Most cases were found by <see cref="RobustnessTests"/>.
/// </summary>
public sealed class EmittedSourceValidityTests
{
    [Fact]
    public void A_forward_expression_over_several_lines_emits_source_that_compiles()
    {
        AssertGeneratedCodeCompiles(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class MyLinear(int inUnits, int units)
            {
                [Parameter] Tensor weight = Tensor.Randn(inUnits, units);
                [Parameter] Tensor bias = Tensor.Randn(units);

                Tensor Forward(Tensor x) =>
                    Ops.Relu(
                        x.MatMul(weight)
                        + bias);
            }
            """);
    }

    [Fact]
    public void A_property_of_the_user_named_like_a_parameter_is_left_alone()
    {
        AssertGeneratedCodeCompiles(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Scale(int n)
            {
                [Parameter] Tensor weight = Tensor.Ones(n);

                public Tensor Weight => weight;

                Tensor Forward(Tensor x) => x * weight;
            }
            """);
    }

    [Fact]
    public void A_parameter_initialiser_over_several_lines_emits_source_that_compiles()
    {
        AssertGeneratedCodeCompiles(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Square(int n)
            {
                [Parameter] Tensor weight = Tensor.Randn(
                    n, n);

                Tensor Forward(Tensor x) => x.MatMul(weight);
            }
            """);
    }

    [Fact]
    public void A_parameter_named_like_its_class_emits_source_that_compiles()
    {
        AssertGeneratedCodeCompiles(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Gain(int n)
            {
                [Parameter] Tensor gain = Tensor.Ones(n);

                Tensor Forward(Tensor x) => x * gain;
            }
            """);
    }

    [Fact]
    public void A_parameter_named_like_a_generated_member_emits_source_that_compiles()
    {
        AssertGeneratedCodeCompiles(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Named(int n)
            {
                [Parameter] Tensor kernelName = Tensor.Ones(n);

                Tensor Forward(Tensor x) => x * kernelName;
            }
            """);
    }

    [Fact]
    public void A_parameter_named_with_a_keyword_emits_source_that_compiles()
    {
        AssertGeneratedCodeCompiles(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Keyworded(int n)
            {
                [Parameter] Tensor @params = Tensor.Ones(n);

                Tensor Forward(Tensor x) => x * @params;
            }
            """);
    }

    [Fact]
    public void A_class_without_a_name_yet_emits_nothing_unparsable()
    {
        AssertGeneratedCodeParses(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class
            {
                Tensor Forward(Tensor x) => x;
            }
            """);
    }

    [Fact]
    public void A_size_parameter_without_a_name_yet_emits_nothing_unparsable()
    {
        AssertGeneratedCodeParses(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Sized(int int n)
            {
                Tensor Forward(Tensor x) => x;
            }
            """);
    }

    [Fact]
    public void A_namespace_with_a_part_not_typed_yet_emits_nothing_unparsable()
    {
        AssertGeneratedCodeParses(
            """
            using LayerGen;

            namespace Demo.;

            [Layer]
            public partial class Centered
            {
                Tensor Forward(Tensor x) => x - x.Mean();
            }
            """);
    }

    [Fact]
    public void A_parameter_named_like_a_type_the_kernels_call_gets_no_shadowing_accessor()
    {
        // An accessor `Vector` would hide System.Numerics.Vector from the kernels' Vector.Sum calls.
        AssertGeneratedCodeCompiles(
            """
            using LayerGen;

            namespace Demo;

            [Layer(Input = "[*, n]")]
            public partial class Outer(int n, int m)
            {
                [Parameter] Tensor vector = Tensor.Randn(m);

                Tensor Forward(Tensor x) => Ops.Einsum("bi,j->bij", x, vector);
            }
            """);
    }

    /// <summary>The user's code compiles, so the generator's must too (it may also explain itself with an LGnnnn diagnostic and emit nothing).</summary>
    private static void AssertGeneratedCodeCompiles(string source)
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(source);

        Assert.Null(run.Exception);
        HashSet<SyntaxTree> generated = run.RunResult.GeneratedTrees.ToHashSet();
        Diagnostic[] errors = run.CompilationErrors.Where(d => d.Location.SourceTree is { } tree && generated.Contains(tree)).ToArray();
        Assert.True(errors.Length == 0, "The generated code does not compile:\n" + string.Join("\n", errors.Take(10)));
        Assert.Empty(run.CompilationErrors);
    }

    /// <summary>The user's code is half-written; the generator may emit nothing, but what it emits must parse.</summary>
    private static void AssertGeneratedCodeParses(string source)
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(source);

        Assert.Null(run.Exception);
        Diagnostic[] errors = run.RunResult.GeneratedTrees
            .SelectMany(t => t.GetDiagnostics())
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .ToArray();
        Assert.True(errors.Length == 0, "The generated code does not parse:\n" + string.Join("\n", errors.Take(10)));
    }
}
