using System.Collections.Generic;
using System.Linq;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// A condition of the forward's control flow known at compile time (<c>if (t == 0)</c>, <c>n &gt; 1 ? a : b</c>): built
/// from constants and comparisons of <see cref="IntExpr"/>s, evaluated by <see cref="ForwardUnroller"/> in each place it
/// runs, so only the branch taken becomes part of the graph.
/// </summary>
internal abstract record BoolExpr
{
    /// <summary>The value, or null when it needs a value known only at run time (or a name without one).</summary>
    public abstract bool? Evaluate(IReadOnlyDictionary<string, int> values);

    public abstract IEnumerable<IntExpr> Integers();

    /// <summary>
    /// The condition as a C# template for the kernels (<see cref="ScalarReader"/>: a hole <c>{name}</c> per
    /// hyperparameter), with its integers evaluated from <paramref name="values"/>: for a condition known only at run time.
    /// </summary>
    public abstract string Template(IReadOnlyDictionary<string, int> values);

    /// <summary>True when a hyperparameter (a run-time value) takes part.</summary>
    public virtual bool ReadsHyperparameter => false;
}

/// <summary>A <c>bool</c> hyperparameter (<c>useBias</c>): known when the layer is constructed, so both branches are built.</summary>
internal sealed record BoolHyperparameter(string Name) : BoolExpr
{
    public override bool? Evaluate(IReadOnlyDictionary<string, int> values) => null;

    public override IEnumerable<IntExpr> Integers() => Enumerable.Empty<IntExpr>();

    public override string Template(IReadOnlyDictionary<string, int> values) => "{" + Name + "}";

    public override bool ReadsHyperparameter => true;

    public override string ToString() => Name;
}

/// <summary>
/// An enum hyperparameter compared with one of its members (<c>nonlinearity == Nonlinearity.Relu</c>, PyTorch's
/// <c>nonlinearity='relu'</c>): known when the layer is constructed, so both branches are built, as for a bool.
/// </summary>
/// <param name="EnumType">The enum's fully qualified name (<c>global::Demo.Nonlinearity</c>), for the kernels' comparison.</param>
/// <param name="Value">The member's value, as C# text of the underlying integer.</param>
/// <param name="Text">The member as written, for messages.</param>
internal sealed record EnumHyperparameterTest(string Name, string Operator, string EnumType, string Value, string Text) : BoolExpr
{
    public override bool? Evaluate(IReadOnlyDictionary<string, int> values) => null;

    public override IEnumerable<IntExpr> Integers() => Enumerable.Empty<IntExpr>();

    public override string Template(IReadOnlyDictionary<string, int> values) => $"({{{Name}}} {Operator} ({EnumType})({Value}))";

    public override bool ReadsHyperparameter => true;

    public override string ToString() => $"{Name} {Operator} {Text}";
}

internal sealed record BoolConstant(bool Value) : BoolExpr
{
    public override bool? Evaluate(IReadOnlyDictionary<string, int> values) => Value;

    public override IEnumerable<IntExpr> Integers() => Enumerable.Empty<IntExpr>();

    public override string Template(IReadOnlyDictionary<string, int> values) => Value ? "true" : "false";

    public override string ToString() => Value ? "true" : "false";
}

/// <summary><c>a op b</c> for <c>&lt; &lt;= &gt; &gt;= == !=</c>.</summary>
internal sealed record IntComparison(string Operator, IntExpr Left, IntExpr Right) : BoolExpr
{
    public override bool? Evaluate(IReadOnlyDictionary<string, int> values)
    {
        if (Left.Evaluate(values) is not long left || Right.Evaluate(values) is not long right)
        {
            return null;
        }

        return Operator switch
        {
            "<" => left < right,
            "<=" => left <= right,
            ">" => left > right,
            ">=" => left >= right,
            "==" => left == right,
            "!=" => left != right,
            _ => null,
        };
    }

    public override IEnumerable<IntExpr> Integers() => new[] { Left, Right };

    public override string Template(IReadOnlyDictionary<string, int> values) => Evaluate(values) is true ? "true" : "false";

    public override string ToString() => $"{Left} {Operator} {Right}";
}

/// <summary><c>!a</c>, <c>a &amp;&amp; b</c>, <c>a || b</c> (<see cref="Right"/> null for <c>!</c>).</summary>
internal sealed record BoolLogic(string Operator, BoolExpr Left, BoolExpr? Right) : BoolExpr
{
    public override bool? Evaluate(IReadOnlyDictionary<string, int> values)
    {
        if (Left.Evaluate(values) is not bool left)
        {
            return null;
        }

        return Operator switch
        {
            "!" => !left,
            "&&" => left ? Right!.Evaluate(values) : false,
            "||" => left ? true : Right!.Evaluate(values),
            _ => null,
        };
    }

    public override IEnumerable<IntExpr> Integers() => Right is null ? Left.Integers() : Left.Integers().Concat(Right.Integers());

    public override string Template(IReadOnlyDictionary<string, int> values) =>
        Right is null ? $"(!{Left.Template(values)})" : $"({Left.Template(values)} {Operator} {Right.Template(values)})";

    public override bool ReadsHyperparameter => Left.ReadsHyperparameter || Right?.ReadsHyperparameter == true;

    public override string ToString() => Right is null ? $"!{Left}" : $"({Left} {Operator} {Right})";
}
