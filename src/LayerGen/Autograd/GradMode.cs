using System;

namespace LayerGen;

/// <summary>
/// Whether operations record the autograd graph, per thread (PyTorch's grad mode).
/// Inside <see cref="NoGrad"/> no operation attaches a <see cref="GradFn"/>, which is what an
/// optimiser step or an evaluation loop wants.
/// </summary>
public static class GradMode
{
    // Stored inverted so that the default value (false) means "enabled" on every new thread.
    [ThreadStatic]
    private static bool t_disabled;

    /// <summary>True unless the current thread is inside <see cref="NoGrad"/> (or set it to false).</summary>
    public static bool IsEnabled
    {
        get => !t_disabled;
        set => t_disabled = !value;
    }

    /// <summary>Disables recording until the returned scope is disposed: <c>using (GradMode.NoGrad()) { ... }</c>.</summary>
    /// <remarks>Returns a struct so that a <c>using</c> statement does not allocate in a training loop.</remarks>
    public static Scope NoGrad()
    {
        var scope = new Scope(t_disabled);
        t_disabled = true;
        return scope;
    }

    /// <summary>Restores the grad mode that was in force when it was created.</summary>
    public readonly struct Scope : IDisposable
    {
        // "Was disabled" rather than "was enabled" so that disposing a default(Scope) re-enables.
        private readonly bool _wasDisabled;

        internal Scope(bool wasDisabled) => _wasDisabled = wasDisabled;

        /// <summary>Restores the previous mode; nesting works because each scope restores its own.</summary>
        public void Dispose() => t_disabled = _wasDisabled;
    }
}
