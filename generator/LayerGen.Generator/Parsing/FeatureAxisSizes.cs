using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LayerGen.Generator.Ir;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LayerGen.Generator.Parsing;

/// <summary>
/// Sizes read from an input's feature axes, <c>x.Size(-1)</c> or <c>x.Size(1)</c> (PyTorch's <c>queries.shape[-1]</c>),
/// wherever a size goes: an op's size argument (<c>x.Reshape(-1, x.Size(1) / heads, heads)</c>), a fresh tensor's shape
/// (<c>Tensor.Zeros(x.Size(0), x.Size(-1))</c>), a scalar (<c>1f / MathF.Sqrt(x.Size(-1))</c>). The axis must be one the
/// layer's declared input shape (<c>[Layer(Input = "[*, steps, d]")]</c>) fixes to a size of the layer; that size is what
/// the read stands for, so the kernels compute with it as if it were written by name. (<c>x.Size(0)</c> is the batch,
/// read elsewhere.) A positive axis counts the batch as one dimension, as PyTorch's <c>x.size(1)</c> on a batch of rows.
/// </summary>
internal sealed class FeatureAxisSizes
{
    private readonly Dictionary<string, IReadOnlyList<SizeRef>?> _declared = new();

    /// <summary>No input is declared: a read stands for the size the whole forward's shapes give that axis (<see cref="Reads"/>).</summary>
    private readonly bool _inferred;
    private readonly List<FeatureAxisRead> _reads = new();

    /// <summary>
    /// The reads of an undeclared input's axes, each standing as a placeholder size (<see cref="FeatureAxisRead.Placeholder"/>)
    /// until Building infers the input's shape from every use in the forward and puts the size found in its place.
    /// </summary>
    public IReadOnlyList<FeatureAxisRead> Reads => _reads;

    /// <param name="inputNames">Forward's inputs, in order.</param>
    /// <param name="declared">The declared feature shape of each input, in the same order; empty when none is declared.</param>
    public FeatureAxisSizes(IReadOnlyList<string> inputNames, IReadOnlyList<IReadOnlyList<SizeRef>> declared)
    {
        for (int i = 0; i < inputNames.Count; i++)
        {
            _declared[inputNames[i]] = i < declared.Count ? declared[i] : null;
        }

        _inferred = declared.Count == 0;
    }

    /// <summary>Whether <paramref name="syntax"/> is <c>x.Size(axis)</c> on an input of Forward with a constant axis.</summary>
    public static bool IsSizeRead(ExpressionSyntax syntax, SemanticModel model, CancellationToken cancellationToken, out string input, out int axis)
    {
        input = string.Empty;
        axis = 0;
        if (syntax is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Size" } member, ArgumentList.Arguments.Count: 1 } call
            || model.GetSymbolInfo(member.Expression, cancellationToken).Symbol is not IParameterSymbol { ContainingSymbol: IMethodSymbol { Name: "Forward" } } parameter
            || parameter.Type.ToDisplayString() != "LayerGen.Tensor"
            || model.GetConstantValue(call.ArgumentList.Arguments[0].Expression, cancellationToken) is not { HasValue: true, Value: int value })
        {
            return false;
        }

        input = parameter.Name;
        axis = value;
        return true;
    }

    /// <summary>The size axis <paramref name="axis"/> (not 0) of <paramref name="input"/> stands for, or null with why not.</summary>
    public SizeExpr? Resolve(string input, int axis, string text, out string why, Model.LocationInfo? location = null)
    {
        why = string.Empty;
        var features = _declared.TryGetValue(input, out var declared) ? declared : null;
        if (_inferred && _declared.ContainsKey(input))
        {
            // Nothing declares the input: the size the forward's other uses fix (x.MatMul(w)), found when building.
            string placeholder = FeatureAxisRead.PlaceholderFor(input, axis);
            if (!_reads.Any(r => r.Placeholder == placeholder))
            {
                _reads.Add(new FeatureAxisRead(placeholder, input, axis, text, location));
            }

            return SizeExpr.Symbol(placeholder);
        }

        if (features is null || features.Count == 0)
        {
            why = $"'{text}' reads a feature axis of '{input}', whose sizes nothing declares here; declare the input's shape with the layer's sizes, "
                + $"e.g. [Layer(Input = \"[*, n]\")] (then '{text}' is n), or write the size by name";
            return null;
        }

        int at = axis < 0 ? features.Count + axis : axis - 1;
        if (at < 0 || at >= features.Count)
        {
            why = $"'{text}' reads axis {axis}, but '{input}' is declared {ShapeText.Format(features)}: its axes are 0 (the batch) to {features.Count} (or -1 to -{features.Count} from the end)";
            return null;
        }

        if (features[at].Size is not { } size)
        {
            why = $"'{text}' reads axis {axis} of '{input}', declared as '{features[at]}', which is not a size of the layer";
            return null;
        }

        return size;
    }
}

/// <summary>
/// <c>x.Size(-1)</c> on an input nothing declares: <see cref="Placeholder"/> stands for it in the sizes and scalars read,
/// until Building puts in its place the size the whole forward's uses give that axis (or reports, at
/// <see cref="Location"/>, that none does).
/// </summary>
internal sealed record FeatureAxisRead(string Placeholder, string Input, int Axis, string Text, Model.LocationInfo? Location)
{
    /// <summary>A name no size of a layer has (<c>__x_size_m1</c>), so a placeholder left in place cannot compile silently.</summary>
    public static string PlaceholderFor(string input, int axis) =>
        "__" + input + "_size_" + (axis < 0 ? "m" + (-axis).ToString(System.Globalization.CultureInfo.InvariantCulture) : axis.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
