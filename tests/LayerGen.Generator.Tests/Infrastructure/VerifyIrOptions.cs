using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LayerGen.Generator.Tests.Infrastructure;

/// <summary>
/// The analyzer-config options every test run of the generator gets: the IR verifier on
/// (<see cref="LayerGenerator.VerifyIrProperty"/>), as the runtime test project's build sets it with
/// <c>&lt;LayerGenVerifyIr&gt;true&lt;/LayerGenVerifyIr&gt;</c>. A broken shape or gradient rule then fails the run
/// as LG0999 at the node it broke.
/// </summary>
public sealed class VerifyIrOptions : AnalyzerConfigOptionsProvider
{
    public static readonly VerifyIrOptions Enabled = new(scalarKernels: false);

    /// <summary>As <see cref="Enabled"/>, with <c>LayerGenScalarKernels</c> on too: the kernels are plain scalar loops.</summary>
    public static readonly VerifyIrOptions WithScalarKernels = new(scalarKernels: true);

    private static readonly Options Empty = new(new Dictionary<string, string>());

    private VerifyIrOptions(bool scalarKernels)
    {
        var values = new Dictionary<string, string> { [LayerGenerator.VerifyIrProperty] = "true" };
        if (scalarKernels)
        {
            values[LayerGenerator.ScalarKernelsProperty] = "true";
        }

        GlobalOptions = new Options(values);
    }

    public override AnalyzerConfigOptions GlobalOptions { get; }

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Empty;

    private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
