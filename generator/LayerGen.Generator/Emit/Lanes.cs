using System.Collections.Generic;
using LayerGen.Generator.Ir;

namespace LayerGen.Generator.Emit;

/// <summary>How many elements one generated expression computes.</summary>
internal enum Lanes
{
    /// <summary>One <c>float</c> (tails, and loops that cannot be vectorised).</summary>
    Scalar,

    /// <summary>One <c>Vector&lt;float&gt;</c> (256 bits on x64, 128 on Arm).</summary>
    Vector,

    /// <summary>
    /// One <c>Vector512&lt;float&gt;</c>, in a loop that runs only when <c>Vector512.IsHardwareAccelerated</c>:
    /// .NET keeps <c>Vector&lt;float&gt;</c> at 256 bits on AVX-512 hardware.
    /// </summary>
    Wide,
}

/// <summary>The C# spelling of each <see cref="Lanes"/> for the emitters.</summary>
internal static class LanesCode
{
    public const string WideWidth = "Vector512<float>.Count";

    public const string WideGuard = "Vector512.IsHardwareAccelerated";

    /// <summary>A float expression broadcast to every lane.</summary>
    public static string Broadcast(this Lanes lanes, string scalar) => lanes switch
    {
        Lanes.Scalar => scalar,
        Lanes.Vector => $"new Vector<float>({scalar})",
        _ => $"Vector512.Create({scalar})",
    };

    /// <summary>Reads lanes from <paramref name="span"/> at <paramref name="index"/>, without bounds checks for vectors.</summary>
    public static string Load(this Lanes lanes, string span, string index) => lanes switch
    {
        Lanes.Scalar => $"{span}[{index}]",
        Lanes.Vector => $"KernelMath.Load({span}, {index})",
        _ => $"KernelMath.LoadWide({span}, {index})",
    };

    /// <summary>
    /// The wide pass of a vectorised loop: 512-bit steps of <paramref name="index"/> (declared by the caller)
    /// while they fit below <paramref name="count"/>, only on hardware that has them; the caller's
    /// <c>Vector&lt;float&gt;</c> and scalar loops continue from where it stops.
    /// </summary>
    public static void WideLoop(SourceWriter w, string index, string count, System.Action body)
    {
        using (w.Block($"if ({WideGuard})"))
        {
            using (w.Block($"for (; {index} <= {count} - {WideWidth}; {index} += {WideWidth})"))
            {
                body();
            }
        }
    }
}
