using System.Linq;
using LayerGen.Generator.Model;

namespace LayerGen.Generator.Ir;

/// <summary>
/// A fact about sizes that the forward needs and that only the layer's constructor arguments decide: an element count
/// kept by a reshape (<c>heads * (d / heads)</c> must be <c>d</c>, so <c>d % heads == 0</c>), a slice inside its axis.
/// The generated constructor checks it and throws an <see cref="System.ArgumentException"/> naming the op, the sizes
/// and their values; a construction with constant sizes that breaks it is a compile-time error on the op.
/// <see cref="Left"/> and <see cref="Right"/> are in the kernels' names.
/// </summary>
/// <param name="OpText">The forward expression that needs it, as written.</param>
/// <param name="Left">The size on the left of the relation.</param>
/// <param name="Relation">"==" or "&lt;=".</param>
/// <param name="Right">The size on the right.</param>
/// <param name="What">What the relation means, for the message (e.g. "the element count is kept").</param>
/// <param name="Location">Where the op is written.</param>
internal sealed record SizeCheck(string OpText, SizeExpr Left, string Relation, SizeExpr Right, string What, LocationInfo? Location)
{
    /// <summary>Whether the sizes <paramref name="value"/> gives (by kernel name) satisfy it.</summary>
    public bool Holds(System.Func<string, long> value)
    {
        long left = Left.Evaluate(value), right = Right.Evaluate(value);
        return Relation == "==" ? left == right : left <= right;
    }

    /// <summary>
    /// The relation as the user reads it, with <paramref name="userName"/> for each size: "heads * steps * (d / heads) ==
    /// d * steps (the element count is kept; d must be a multiple of heads)".
    /// </summary>
    public string Describe(System.Func<string, string> userName)
    {
        string User(SizeExpr size) => size.Rename(userName).ToString();
        var multiples = Relation == "=="
            ? Left.Quotients.Concat(Right.Quotients).Distinct().Select(q => $"{User(q.Dividend)} must be a multiple of {User(q.Divisor)}")
            : Enumerable.Empty<string>();
        return $"{User(Left)} {Relation} {User(Right)} ({string.Join("; ", new[] { What }.Concat(multiples))})";
    }
}
