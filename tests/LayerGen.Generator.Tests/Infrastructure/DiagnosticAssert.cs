using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace LayerGen.Generator.Tests.Infrastructure;

/// <summary>
/// Runs LayerGen on one source written in <see cref="Markup"/> and checks that the generator's own
/// diagnostics (LGxxxx) are exactly the marked ones: ID, error severity, span in <c>Source0.cs</c>,
/// and message, in order of span. A layer with errors must emit no source, and the generator must not throw.
/// </summary>
public static class DiagnosticAssert
{
    /// <summary>
    /// <paramref name="messages"/>: the expected message of each marked span, in order of span start.
    /// The source must otherwise be valid C#: the compiler may warn but not fail.
    /// </summary>
    public static GeneratorRun Reports(string markup, params string[] messages) =>
        Check(markup, messages, userCodeCompiles: true);

    /// <summary>As <see cref="Reports"/>, for source the C# compiler rejects too (LayerGen must still explain itself).</summary>
    public static GeneratorRun ReportsDespiteCompilerErrors(string markup, params string[] messages) =>
        Check(markup, messages, userCodeCompiles: false);

    /// <summary>
    /// For declarations the C# compiler refuses itself: every error of the run — the generator's
    /// (LGxxxx) and the compiler's (CSxxxx) — is exactly one of the marked spans, with its ID and
    /// message, in order of span; no LayerGen warning or info either, and no generated source.
    /// </summary>
    public static GeneratorRun ErrorsAre(string markup, params string[] messages)
    {
        (string source, ImmutableArray<MarkedSpan> expected) = Markup.Parse(markup);
        if (expected.Length != messages.Length || expected.Any(s => s.Id is null))
        {
            throw new ArgumentException(
                $"The test is malformed: {expected.Length} marked span(s), each needs an ID ({{|CS0592:...|}}) and a message; {messages.Length} message(s) given.");
        }

        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(source);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratedSources);
        Diagnostic[] actual = run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("LG", StringComparison.Ordinal))
            .Concat(run.CompilationErrors)
            .OrderBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Location.SourceSpan.End)
            .ToArray();
        Assert.True(
            actual.Length == expected.Length,
            $"Expected {expected.Length} error(s), got {actual.Length}:{Environment.NewLine}"
            + string.Join(Environment.NewLine, actual.Select(d => "  " + Describe(d, source))));
        for (int i = 0; i < expected.Length; i++)
        {
            Diagnostic d = actual[i];
            string where = Describe(d, source);
            Assert.True(expected[i].Id == d.Id && d.Severity == DiagnosticSeverity.Error, $"Error {i}: expected {expected[i].Id}, got {where}");
            Assert.True(expected[i].Span == d.Location.SourceSpan, $"Error {i} ({d.Id}): expected span {expected[i].Span} '{Text(source, expected[i].Span)}', got {where}");
            Assert.Equal("Source0.cs", d.Location.GetLineSpan().Path);
            Assert.Equal(messages[i], d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }

        return run;
    }

    private static GeneratorRun Check(string markup, string[] messages, bool userCodeCompiles)
    {
        (string source, ImmutableArray<MarkedSpan> expected) = Markup.Parse(markup);
        if (expected.Length != messages.Length || expected.Any(s => s.Id is null))
        {
            throw new ArgumentException(
                $"The test is malformed: {expected.Length} marked span(s), each needs an ID ({{|LG0003:...|}}) and a message; {messages.Length} message(s) given.");
        }

        GeneratorRun run = GeneratorHarness.Run<LayerGenerator>(source);
        SourceText text = SourceText.From(source);

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratedSources);
        if (userCodeCompiles)
        {
            Assert.Empty(run.CompilationErrors);
        }

        Diagnostic[] actual = run.GeneratorDiagnostics
            .Where(d => d.Id.StartsWith("LG", StringComparison.Ordinal))
            .OrderBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Location.SourceSpan.End)
            .ToArray();
        Assert.True(
            actual.Length == expected.Length,
            $"Expected {expected.Length} LayerGen diagnostic(s), got {actual.Length}:{Environment.NewLine}"
            + string.Join(Environment.NewLine, actual.Select(d => "  " + Describe(d, source))));

        for (int i = 0; i < expected.Length; i++)
        {
            Diagnostic d = actual[i];
            string where = Describe(d, source);
            Assert.True(expected[i].Id == d.Id, $"Diagnostic {i}: expected {expected[i].Id}, got {where}");
            Assert.True(d.Severity == DiagnosticSeverity.Error, $"Diagnostic {i} should be an error: {where}");
            Assert.True(d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error, $"Diagnostic {i}'s descriptor should default to error: {where}");
            Assert.True(
                expected[i].Span == d.Location.SourceSpan,
                $"Diagnostic {i} ({d.Id}): expected span {expected[i].Span} '{Text(source, expected[i].Span)}', got {where}");

            // The generator rebuilds locations from plain data (path, span, line span), so they are
            // file locations rather than tree locations: check all three agree.
            FileLinePositionSpan lines = d.Location.GetLineSpan();
            Assert.Equal("Source0.cs", lines.Path);
            Assert.Equal(text.Lines.GetLinePositionSpan(expected[i].Span), lines.Span);
            Assert.Equal(messages[i], d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }

        return run;
    }

    private static string Describe(Diagnostic d, string source) =>
        $"{d.Id} {d.Severity} at {d.Location.SourceSpan} '{Text(source, d.Location.SourceSpan)}': {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";

    private static string Text(string source, TextSpan span) =>
        span.End <= source.Length ? source.Substring(span.Start, span.Length) : "(outside the source)";
}
