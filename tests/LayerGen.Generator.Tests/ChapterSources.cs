namespace LayerGen.Generator.Tests;

/// <summary>
/// The layers of the "custom layers" chapter and the code that builds them, as source text for the
/// generator: each constant in a separate file, as a user's project would have it.
/// </summary>
internal static class ChapterSources
{
    /// <summary>The parameter-free layer: subtracts the mean of all elements.</summary>
    public const string CenteredLayer = """
        using LayerGen;

        namespace Chapter;

        [Layer]
        public partial class CenteredLayer
        {
            Tensor Forward(Tensor x) => x - x.Mean();
        }
        """;

    /// <summary>The chapter's linear layer with ReLU; weight is [inUnits, units].</summary>
    public const string MyLinear = """
        using LayerGen;

        namespace Chapter;

        [Layer]
        public partial class MyLinear(int inUnits, int units)
        {
            [Parameter] Tensor weight = Tensor.Randn(inUnits, units);
            [Parameter] Tensor bias = Tensor.Randn(units);

            Tensor Forward(Tensor x) => Ops.Relu(x.MatMul(weight) + bias);
        }
        """;

    /// <summary>One construction of MyLinear with constant sizes.</summary>
    public const string Linear64x8 = """
        namespace Chapter;

        public static class Hidden
        {
            public static MyLinear Create() => new MyLinear(64, 8);
        }
        """;

    /// <summary>A construction whose sizes are only known at run time: no specialisation.</summary>
    public const string LinearOfRuntimeSize = """
        namespace Chapter;

        public static class Sized
        {
            public static MyLinear Create(int inUnits, int units) => new MyLinear(inUnits, units);
        }
        """;

    /// <summary>The chapter's networks: MyLinear inside Sequential, target-typed new, CenteredLayer after a built-in Linear.</summary>
    public const string Net = """
        using LayerGen;

        namespace Chapter;

        public static class Net
        {
            public static Sequential Centered() => new Sequential(new Linear(8, 128), new CenteredLayer());

            public static Sequential TwoLayers() => new Sequential(new MyLinear(64, 8), new MyLinear(8, 1));

            public static MyLinear Small()
            {
                MyLinear m = new(5, 3);
                return m;
            }
        }
        """;
}
