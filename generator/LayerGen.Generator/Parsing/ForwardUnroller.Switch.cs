using System.Globalization;

namespace LayerGen.Generator.Parsing;

/// <summary>A switch on an integer known at compile time whose value no arm matches (<see cref="SwitchPatterns"/>).</summary>
internal sealed partial class ForwardUnroller
{
    /// <summary>Reports that no arm matches the value here (C# would throw a SwitchExpressionException when it runs); null.</summary>
    private Expr? Unmatched(UnmatchedSwitchExpr unmatched)
    {
        string value = unmatched.Value?.Evaluate(_integers) is long number ? " = " + number.ToString(CultureInfo.InvariantCulture) : string.Empty;
        return Failed(unmatched, $"no arm of the switch matches '{unmatched.Subject}'{value}; add an arm for it or end the switch with '_ => ...'");
    }
}
