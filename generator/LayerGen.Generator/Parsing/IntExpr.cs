using System.Collections.Generic;
using System.Globalization;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// An integer the forward's control flow computes with: a loop bound, a loop variable, an array index, an axis or
/// start written with a loop variable (<c>x.Narrow(1, t, 1)</c>), an operand of a constant condition. Its names are
/// loop variables and the layer's size parameters; <see cref="ForwardUnroller"/> evaluates it once their values are
/// known (a loop variable's in each iteration, a size's from the layer's constant constructions).
/// </summary>
internal abstract record IntExpr
{
    /// <summary>The value, or null when a name has no value in <paramref name="values"/> (or on division by zero).</summary>
    public abstract long? Evaluate(IReadOnlyDictionary<string, int> values);

    /// <summary>Every name the expression reads.</summary>
    public abstract IEnumerable<string> Names();
}

/// <summary>A constant.</summary>
internal sealed record IntConstant(long Value) : IntExpr
{
    public override long? Evaluate(IReadOnlyDictionary<string, int> values) => Value;

    public override IEnumerable<string> Names() { yield break; }

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A loop variable or a size parameter.</summary>
internal sealed record IntName(string Name) : IntExpr
{
    public override long? Evaluate(IReadOnlyDictionary<string, int> values) => values.TryGetValue(Name, out int value) ? value : null;

    public override IEnumerable<string> Names() { yield return Name; }

    public override string ToString() => Name;
}

/// <summary><c>a op b</c> with C#'s integer rules (division truncates toward zero), for <c>+ - * / %</c>.</summary>
internal sealed record IntBinary(string Operator, IntExpr Left, IntExpr Right) : IntExpr
{
    public override long? Evaluate(IReadOnlyDictionary<string, int> values)
    {
        if (Left.Evaluate(values) is not long left || Right.Evaluate(values) is not long right)
        {
            return null;
        }

        return Operator switch
        {
            "+" => left + right,
            "-" => left - right,
            "*" => left * right,
            "/" => right == 0 ? null : left / right,
            "%" => right == 0 ? null : left % right,
            _ => null,
        };
    }

    public override IEnumerable<string> Names()
    {
        foreach (string name in Left.Names())
        {
            yield return name;
        }

        foreach (string name in Right.Names())
        {
            yield return name;
        }
    }

    public override string ToString() => $"({Left} {Operator} {Right})";
}
