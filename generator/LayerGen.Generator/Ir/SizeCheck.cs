namespace LayerGen.Generator.Ir;

/// <summary>
/// A fact about sizes that the forward needs and that only the layer's constructor arguments decide: an element count
/// kept by a reshape (<c>heads * (d / heads)</c> must be <c>d</c>, so <c>d % heads == 0</c>), a slice inside its axis.
/// The generated constructor checks it and throws an <see cref="System.ArgumentException"/> naming the op, the sizes
/// and their values; <see cref="Left"/> and <see cref="Right"/> are in the kernels' names.
/// </summary>
/// <param name="OpText">The forward expression that needs it, as written.</param>
/// <param name="Left">The size on the left of the relation.</param>
/// <param name="Relation">"==" or "&lt;=".</param>
/// <param name="Right">The size on the right.</param>
/// <param name="What">What the relation means, for the message (e.g. "the element count is kept").</param>
internal sealed record SizeCheck(string OpText, SizeExpr Left, string Relation, SizeExpr Right, string What);
