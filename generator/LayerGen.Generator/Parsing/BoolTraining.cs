using System.Collections.Generic;
using System.Linq;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// <c>Training</c> in a forward's condition (<c>if (Training)</c>, <c>Training ? a : b</c>): the layer's train/eval mode,
/// known only when it runs. As a branch on a <c>bool</c> hyperparameter, both paths are built and the kernels select
/// between them by the mode they are passed (<see cref="KernelFlag"/>), so <c>Train()</c>/<c>Eval()</c> pick a path
/// without another kernel.
/// </summary>
internal sealed record BoolTraining : BoolExpr
{
    /// <summary>The kernels' argument holding the mode (a name <see cref="Lowering.Names"/> reserves).</summary>
    public const string KernelFlag = "training";

    public override bool? Evaluate(IReadOnlyDictionary<string, int> values) => null;

    public override IEnumerable<IntExpr> Integers() => Enumerable.Empty<IntExpr>();

    public override string Template(IReadOnlyDictionary<string, int> values) => "{" + KernelFlag + "}";

    public override bool ReadsHyperparameter => true;

    public override string ToString() => "Training";
}
