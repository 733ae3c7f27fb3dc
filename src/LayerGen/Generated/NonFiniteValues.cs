using System;
using System.ComponentModel;

namespace LayerGen.Generated;

/// <summary>
/// The scan a generated kernel runs after each step while <see cref="CheckedMode"/> is on
/// (<c>if (CheckedMode.Enabled) NonFiniteValues.Check(...)</c>).
/// </summary>
/// <remarks>For generated code; not a stable API.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class NonFiniteValues
{
    /// <summary>Throws <see cref="NonFiniteValueException"/> at the first NaN or infinity in <paramref name="values"/>.</summary>
    /// <param name="values">The step's result.</param>
    /// <param name="layer">The layer's class name.</param>
    /// <param name="pass"><c>"forward"</c> or <c>"backward"</c>.</param>
    /// <param name="expression">The forward expression the step computes (or differentiates).</param>
    public static void Check(ReadOnlySpan<float> values, string layer, string pass, string expression)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new NonFiniteValueException(layer, pass, expression, i, values[i]);
            }
        }
    }
}
