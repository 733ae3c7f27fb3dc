using System;
using System.Threading;

namespace LayerGen;

/// <summary>
/// An opt-in mode that stops at the first non-finite value (NaN or ±∞) a generated kernel produces,
/// naming the layer and the forward expression that produced it — PyTorch's anomaly detection, but
/// pointing at source. Off by default: each check is one branch per loop nest when off.
/// </summary>
/// <remarks>The kernels check through <see cref="Generated.NonFiniteValues.Check"/>.</remarks>
/// <example><code>using (CheckedMode.Enable()) { loss = trainer.Step(x, labels); }</code></example>
public static class CheckedMode
{
    private static int _depth;

    /// <summary>True while at least one <see cref="Enable"/> scope is open (on any thread).</summary>
    public static bool Enabled => Volatile.Read(ref _depth) > 0;

    /// <summary>Turns checking on until the returned scope is disposed.</summary>
    public static Scope Enable()
    {
        Interlocked.Increment(ref _depth);
        return new Scope();
    }

    /// <summary>Closes an <see cref="Enable"/> scope.</summary>
    public readonly struct Scope : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref _depth);
    }
}

/// <summary>A generated kernel produced NaN or infinity while <see cref="CheckedMode"/> was on.</summary>
public sealed class NonFiniteValueException(string layer, string pass, string expression, int index, float value)
    : ArithmeticException($"{layer} ({pass}): '{expression}' produced {value} at element {index}.")
{
    public string Layer { get; } = layer;

    public string Pass { get; } = pass;

    public string Expression { get; } = expression;

    public int Index { get; } = index;
}
