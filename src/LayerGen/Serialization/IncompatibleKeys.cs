using System.Collections.Generic;
using System.Linq;

namespace LayerGen;

/// <summary>
/// What a non-strict load could not match, as PyTorch's <c>load_state_dict</c> returns it: the model's
/// parameters the state did not provide, and the state's entries the model has no parameter for.
/// </summary>
public sealed class IncompatibleKeys
{
    internal IncompatibleKeys(IReadOnlyList<string> missingKeys, IReadOnlyList<string> unexpectedKeys)
    {
        MissingKeys = missingKeys;
        UnexpectedKeys = unexpectedKeys;
    }

    /// <summary>Names of the model's parameters that were not loaded (kept their values), in model order.</summary>
    public IReadOnlyList<string> MissingKeys { get; }

    /// <summary>Names in the state that match no parameter of the model (ignored), in the state's order.</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }

    /// <summary>True when every key matched.</summary>
    public bool AllMatched => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0;

    /// <summary>PyTorch's rendering: <c>&lt;All keys matched successfully&gt;</c> or the two lists.</summary>
    public override string ToString() => AllMatched
        ? "<All keys matched successfully>"
        : $"IncompatibleKeys(missing_keys=[{Quote(MissingKeys)}], unexpected_keys=[{Quote(UnexpectedKeys)}])";

    private static string Quote(IEnumerable<string> keys) => string.Join(", ", keys.Select(k => $"'{k}'"));
}
