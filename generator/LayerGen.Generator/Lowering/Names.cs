using System.Collections.Generic;
using System.Linq;

namespace LayerGen.Generator.Lowering;

/// <summary>
/// C# names in the emitted kernels. User names (sizes, parameters) are kept where they cannot clash
/// with the kernels' own names, so the emitted code reads like the layer it came from.
/// </summary>
internal sealed class Names
{
    /// <summary>The kernels' own arguments and the loop variables and temporaries the emitters declare.</summary>
    private static readonly HashSet<string> Reserved = new()
    {
        "input", "output", "outputGrad", "inputGrad", "saved", "rows", "target", "training", "intoParameters",
        "i", "o", "c", "k", "j", "n", "acc", "accv", "sum", "value", "kk", "jj", "best", "tail", "index", "broadcast",
        "Forward", "Backward", "SavedLength",
    };

    private readonly Dictionary<string, string> _sizes = new();
    private readonly Dictionary<string, string> _parameters = new();
    private readonly List<string> _inputs = new();

    private readonly HashSet<string> _taken = new(Reserved);

    /// <param name="sizes">The constructor's parameters.</param>
    /// <param name="parameters">The [Parameter] members.</param>
    /// <param name="inputs">
    /// The forward's inputs when it takes several: their spans are named after them (<c>x</c>, <c>xGrad</c>) so the
    /// span API reads as the forward does. One input keeps the names <c>input</c> and <c>inputGrad</c>.
    /// </param>
    /// <param name="outputs">How many tensors the forward returns: a tuple's get <c>output0</c>, <c>output1</c>, ... and their <c>...Grad</c>.</param>
    public Names(IEnumerable<string> sizes, IEnumerable<string> parameters, IReadOnlyList<string>? inputs = null, int outputs = 1)
    {
        _outputs = outputs;
        var taken = _taken;
        if (outputs > 1)
        {
            for (int i = 0; i < outputs; i++)
            {
                taken.Add("output" + i);
                taken.Add("output" + i + "Grad");
            }
        }

        foreach (string size in sizes)
        {
            _sizes[size] = Claim(size, "n_", taken);
        }

        foreach (string parameter in parameters)
        {
            _parameters[parameter] = Claim(parameter, "p_", taken);
        }

        if (inputs is { Count: > 1 })
        {
            foreach (string input in inputs)
            {
                string name = Claim(input, "in_", taken);
                if (!taken.Add(name + "Grad"))
                {
                    name = Claim("in_" + input, "in_", taken);
                    taken.Add(name + "Grad");
                }

                _inputs.Add(name);
            }
        }
    }

    private readonly int _outputs;

    /// <summary>The span of result <paramref name="index"/>: <c>output</c>, or for a tuple <c>output0</c>, <c>output1</c>, ...</summary>
    public string Output(int index) => _outputs == 1 ? "output" : "output" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The span of result <paramref name="index"/>'s upstream gradient.</summary>
    public string OutputGrad(int index) => Output(index) + "Grad";

    /// <summary>The span of input <paramref name="index"/> in the kernels and the span API.</summary>
    public string Input(int index) => _inputs.Count == 0 ? "input" : _inputs[index];

    /// <summary>The span of input <paramref name="index"/>'s gradient.</summary>
    public string InputGrad(int index) => Input(index) + "Grad";

    public IEnumerable<string> SizeNames => _sizes.Values;

    /// <summary>Every name the kernels already use: their arguments, loop variables, sizes and parameters.</summary>
    public IEnumerable<string> Taken => _taken;

    /// <summary>
    /// True for a name the emitters make up inside loops (<c>acc0</c>, <c>i1</c>, <c>s12</c>, <c>wide2</c>,
    /// <c>e_b</c>): a buffer or user name of that form could clash with one of them.
    /// </summary>
    public static bool LooksLikeTemporary(string name)
    {
        if (name.StartsWith("e_", System.StringComparison.Ordinal))
        {
            return true;
        }

        string stem = name.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
        return stem.Length < name.Length && stem is "acc" or "i" or "k" or "kv" or "s" or "t" or "v" or "wide";
    }

    /// <summary>The constructor parameter a kernel size name stands for.</summary>
    public string OriginalSize(string kernelName) => _sizes.FirstOrDefault(p => p.Value == kernelName).Key ?? kernelName;

    public string Size(string symbol) => _sizes.TryGetValue(symbol, out string? name) ? name : symbol;

    public string Parameter(string parameter) => _parameters[parameter];

    public string ParameterGrad(string parameter) => _parameters[parameter] + "Grad";

    private static string Claim(string name, string prefix, HashSet<string> taken)
    {
        string candidate = name;
        if (LooksLikeTemporary(candidate) || !taken.Add(candidate))
        {
            candidate = prefix + name;
            taken.Add(candidate);
        }

        return candidate;
    }
}
