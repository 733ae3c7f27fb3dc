namespace LayerGen;

/// <summary>How a loss combines its per-element terms, as torch's <c>reduction=</c>.</summary>
public enum Reduction
{
    /// <summary>The average over every term (torch's default).</summary>
    Mean,

    /// <summary>The sum of every term.</summary>
    Sum,
}
