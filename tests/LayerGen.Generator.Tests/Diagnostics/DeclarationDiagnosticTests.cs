using LayerGen.Generator.Tests.Infrastructure;
using Xunit;

namespace LayerGen.Generator.Tests.Diagnostics;

/// <summary>
/// Diagnostics on the [Layer] class itself: LG0001 (not partial), LG0002 (no forward definition),
/// LG0007 (a declaration the generator does not support). Each is reported on the class's name,
/// or on the constructor parameter at fault.
/// </summary>
public sealed class DeclarationDiagnosticTests
{
    [Fact]
    public void LG0001_a_layer_class_that_is_not_partial()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public class {|LG0001:CenteredLayer|}
            {
                Tensor Forward(Tensor x) => x - x.Mean();
            }
            """,
            "The [Layer] class 'CenteredLayer' must be declared 'partial' so LayerGen can add the generated kernels to it");
    }

    [Theory]
    [InlineData("")]
    [InlineData("Tensor Forward() => Tensor.Zeros(1);")]
    [InlineData("static Tensor Forward(Tensor x) => x;")]
    [InlineData("Tensor Apply(Tensor x) => x;")]
    public void LG0002_a_layer_without_an_instance_Forward_taking_a_tensor(string members)
    {
        DiagnosticAssert.Reports(
            $$"""
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class {|LG0002:Empty|}
            {
                {{members}}
            }
            """,
            "The [Layer] class 'Empty' needs a method 'Tensor Forward(Tensor x)' defining its forward pass");
    }

    [Fact]
    public void LG0007_a_primary_constructor_parameter_that_is_neither_a_size_nor_a_hyperparameter()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Activated(int units, string {|LG0007:activation|})
            {
                [Parameter] Tensor weight = Tensor.Randn(units);

                Tensor Forward(Tensor x) => Ops.Relu(x * weight);
            }
            """,
            "The [Layer] class 'Activated' is not supported: primary constructor parameter 'activation' must be an int size or a float, double, bool or enum hyperparameter, passed by value");
    }

    [Theory]
    [InlineData("long {|LG0007:n|}", "n")]
    [InlineData("System.DayOfWeek? {|LG0007:day|}", "day")]
    [InlineData("ref float {|LG0007:scale|}", "scale")]
    public void LG0007_other_parameter_types_and_kinds(string parameter, string name)
    {
        DiagnosticAssert.Reports(
            $$"""
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Odd(int units, {{parameter}})
            {
                [Parameter] Tensor weight = Tensor.Randn(units);

                Tensor Forward(Tensor x) => x * weight;
            }
            """,
            $"The [Layer] class 'Odd' is not supported: primary constructor parameter '{name}' must be an int size or a float, double, bool or enum hyperparameter, passed by value");
    }

    [Fact]
    public void LG0007_sizes_from_an_ordinary_constructor()
    {
        DiagnosticAssert.Reports(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class {|LG0007:Sized|}
            {
                public Sized(int units) => Units = units;

                public int Units { get; }

                Tensor Forward(Tensor x) => x;
            }
            """,
            "The [Layer] class 'Sized' is not supported: sizes must come from a primary constructor, e.g. 'partial class MyLinear(int inUnits, int units)'");
    }

    [Theory]
    [InlineData("public static class Blocks", "Blocks")]
    [InlineData("public class Blocks", "Blocks")]
    public void LG0007_a_layer_nested_in_a_type_that_is_not_partial(string outer, string name)
    {
        DiagnosticAssert.Reports(
            $$"""
            using LayerGen;

            namespace Demo;

            {{outer}}
            {
                [Layer]
                public partial class {|LG0007:Centered|}
                {
                    Tensor Forward(Tensor x) => x - x.Mean();
                }
            }
            """,
            $"The [Layer] class 'Centered' is not supported: it is nested in '{name}', which must be declared 'partial' too, so the generated part of the layer can be nested in it");
    }

    /// <summary>
    /// A record is a class to the compiler, so [Layer] and [Loss] are allowed on it, but the generator
    /// does not make layers of records: it says so on the name, rather than emitting nothing and leaving
    /// the user with CS1061 on <c>layer.Call</c>.
    /// </summary>
    [Theory]
    [InlineData("Layer", "record")]
    [InlineData("Layer", "record class")]
    [InlineData("Loss", "record")]
    [InlineData("Loss", "record class")]
    public void LG0007_a_record(string attribute, string keyword)
    {
        string forward = attribute == "Loss"
            ? "Tensor Forward(Tensor input, Tensor target) => (input - target).Abs().Mean();"
            : "Tensor Forward(Tensor x) => x * gain;";
        DiagnosticAssert.Reports(
            $$"""
            using LayerGen;

            namespace Demo;

            [{{attribute}}]
            public partial {{keyword}} {|LG0007:Gained|}(int n)
            {
                [Parameter] Tensor gain = Tensor.Ones(n);

                {{forward}}
            }
            """,
            $"The [{attribute}] record 'Gained' is not supported: a layer must be a (non-static, partial) class, not a record: "
            + "a record adds value equality and copying ('with'), which a layer holding tensors must not have "
            + "(two layers would be equal when they hold the same tensors, a copy would share the original's parameters); declare it 'partial class Gained'");
    }

    private const string StaticClassMessage =
        "is not supported: a layer must be a (non-static, partial) class: it is an object, constructed with its sizes "
        + "and holding its parameters and mode, so it cannot be static; remove 'static'";

    [Theory]
    [InlineData("Layer", "static Tensor Forward(Tensor x) => x * 2f;")]
    [InlineData("Loss", "static Tensor Forward(Tensor input, Tensor target) => (input - target).Abs().Mean();")]
    public void LG0007_a_static_class(string attribute, string forward)
    {
        DiagnosticAssert.Reports(
            $$"""
            using LayerGen;

            namespace Demo;

            [{{attribute}}]
            public static partial class {|LG0007:Doubled|}
            {
                {{forward}}
            }
            """,
            $"The [{attribute}] class 'Doubled' {StaticClassMessage}");
    }

    /// <summary>An instance Forward in a static class is also the compiler's CS0708; LayerGen still says what to change.</summary>
    [Fact]
    public void LG0007_a_static_class_with_an_instance_forward()
    {
        DiagnosticAssert.ReportsDespiteCompilerErrors(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public static partial class {|LG0007:Doubled|}
            {
                Tensor Forward(Tensor x) => x * 2f;
            }
            """,
            $"The [Layer] class 'Doubled' {StaticClassMessage}");
    }

    /// <summary>
    /// On a struct, a record struct or an interface the compiler refuses the attribute itself (its usage
    /// is AttributeTargets.Class), on the attribute's name: that is the one error the user sees, and it
    /// says what to do; LayerGen adds no second error on the same declaration.
    /// </summary>
    [Theory]
    [InlineData("Layer", "struct")]
    [InlineData("Layer", "record struct")]
    [InlineData("Layer", "interface")]
    [InlineData("Loss", "struct")]
    [InlineData("Loss", "record struct")]
    [InlineData("Loss", "interface")]
    public void A_struct_record_struct_or_interface_gets_the_compilers_CS0592_on_the_attribute(string attribute, string keyword)
    {
        DiagnosticAssert.ErrorsAre(
            $$"""
            using LayerGen;

            namespace Demo;

            [{|CS0592:{{attribute}}|}]
            public partial {{keyword}} Doubled
            {
                Tensor Forward(Tensor x) => x * 2f;
            }
            """,
            $"Attribute '{attribute}' is not valid on this declaration type. It is only valid on 'class' declarations.");
    }

    [Fact]
    public void A_layer_attribute_repeated_on_two_partial_declarations_does_not_crash_the_generator()
    {
        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Twice
            {
                Tensor Forward(Tensor x) => x * 2f;
            }
            """,
            """
            using LayerGen;

            namespace Demo;

            [Layer]
            public partial class Twice
            {
            }
            """);

        Assert.Null(run.Exception);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "CS8785");
        Assert.Contains(run.CompilationErrors, d => d.Id == "CS0579"); // the compiler's own "duplicate attribute"
    }
}
