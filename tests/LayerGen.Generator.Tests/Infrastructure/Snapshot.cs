using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using Xunit;

namespace LayerGen.Generator.Tests.Infrastructure;

/// <summary>
/// Golden-file tests for emitted source, on Verify's file conventions: the accepted text lives in
/// <c>Snapshots/&lt;name&gt;.verified.cs</c> beside the test's source file and is committed; a run
/// that produces anything else writes <c>&lt;name&gt;.received.cs</c> (gitignored) and fails with a
/// line diff. Accepting a change is an explicit step (see Snapshots/README.md): rename the received
/// file, or run once with <c>LAYERGEN_ACCEPT_SNAPSHOTS=1</c> (ignored when <c>CI=true</c>).
/// </summary>
public static class Snapshot
{
    /// <summary>Set to <c>1</c> (or <c>true</c>) to accept every received snapshot on this run.</summary>
    public const string AcceptVariable = "LAYERGEN_ACCEPT_SNAPSHOTS";

    public const string VerifiedSuffix = ".verified.cs";
    public const string ReceivedSuffix = ".received.cs";

    private const int ContextLines = 3;
    private const int MaxDiffLines = 80;

    /// <summary>
    /// Compares <paramref name="actual"/> with <c>Snapshots/&lt;name&gt;.verified.cs</c> next to the
    /// calling test's source file (found through <paramref name="path"/>, so it works from bin/).
    /// </summary>
    public static void Match(string actual, string name, [CallerFilePath] string path = "")
    {
        string? sourceDirectory = Path.GetDirectoryName(path);
        if (string.IsNullOrEmpty(path) || string.IsNullOrEmpty(sourceDirectory))
        {
            throw new ArgumentException("The caller's source path is unknown; pass the directory to MatchInDirectory.", nameof(path));
        }

        if (!Directory.Exists(sourceDirectory))
        {
            Assert.Fail(
                $"The test's source directory {sourceDirectory} does not exist here: snapshot tests run from a "
                + "source checkout, built without source path mapping (PathMap, ContinuousIntegrationBuild).");
        }

        MatchInDirectory(actual, name, Path.Combine(sourceDirectory, "Snapshots"));
    }

    /// <summary>
    /// <see cref="Match"/> against <c>&lt;directory&gt;/&lt;name&gt;.verified.cs</c>. <paramref name="accept"/>
    /// overrides the environment (null: accept when <c>LAYERGEN_ACCEPT_SNAPSHOTS</c> is set and <c>CI</c> is not).
    /// </summary>
    public static void MatchInDirectory(string actual, string name, string directory, bool? accept = null)
    {
        ValidateName(name);
        string verifiedPath = Path.Combine(directory, name + VerifiedSuffix);
        string receivedPath = Path.Combine(directory, name + ReceivedSuffix);
        string received = Normalize(actual);
        bool accepting = accept ?? AcceptingFromEnvironment();

        string? verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (verified is not null && SameText(verified, received))
        {
            File.Delete(receivedPath); // a stale received file from an earlier failure
            return;
        }

        Directory.CreateDirectory(directory);
        if (accepting)
        {
            Write(verifiedPath, received);
            File.Delete(receivedPath);
            Console.Error.WriteLine($"Snapshot '{name}': accepted into {verifiedPath} ({AcceptVariable} is set).");
            return;
        }

        Write(receivedPath, received);
        string howToAccept =
            $"To accept: rename {name}{ReceivedSuffix} to {name}{VerifiedSuffix}, "
            + $"or run `{AcceptVariable}=1 dotnet test` (ignored when CI=true).";
        if (verified is null)
        {
            Assert.Fail(
                $"Snapshot '{name}' has no verified file yet: wrote {receivedPath}.{Environment.NewLine}"
                + $"Read it, then accept it if it is right. {howToAccept}");
        }

        Assert.Fail(
            $"Snapshot '{name}' differs from {verifiedPath}; wrote {receivedPath}.{Environment.NewLine}"
            + $"{howToAccept}{Environment.NewLine}{Environment.NewLine}"
            + Diff(verified, received, name + VerifiedSuffix, name + ReceivedSuffix));
    }

    /// <summary>Line endings to <c>\n</c>, no byte-order mark: the form snapshots are stored and compared in.</summary>
    public static string Normalize(string text) =>
        text.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    /// <summary>
    /// A unified-style diff of two texts: hunks of <c>-</c> (expected) and <c>+</c> (actual) lines
    /// with their line numbers and a few lines of context, cut after a screenful.
    /// </summary>
    public static string Diff(string expected, string actual, string expectedLabel = "verified", string actualLabel = "received")
    {
        string[] a = SplitLines(Normalize(expected));
        string[] b = SplitLines(Normalize(actual));
        List<Edit> script = LineDiff.Compute(a, b);

        var output = new StringBuilder();
        output.Append("--- ").AppendLine(expectedLabel);
        output.Append("+++ ").AppendLine(actualLabel);
        int written = 0;
        int changes = 0;
        foreach (Edit edit in script)
        {
            changes += edit.Kind == EditKind.Same ? 0 : 1;
        }

        int i = 0;
        while (i < script.Count)
        {
            if (script[i].Kind == EditKind.Same)
            {
                i++;
                continue;
            }

            // A hunk: this change and every change within 2*ContextLines of the previous one.
            int start = Math.Max(0, i - ContextLines);
            int end = i;
            int lastChange = i;
            while (end < script.Count && end - lastChange <= 2 * ContextLines)
            {
                if (script[end].Kind != EditKind.Same)
                {
                    lastChange = end;
                }

                end++;
            }

            end = Math.Min(script.Count, lastChange + ContextLines + 1);
            output.AppendLine(HunkHeader(script, start, end));
            for (int k = start; k < end; k++)
            {
                if (written == MaxDiffLines)
                {
                    output.Append(CultureInfo.InvariantCulture, $"... diff cut after {MaxDiffLines} lines ({changes} changed lines in all)").AppendLine();
                    return output.ToString();
                }

                Edit edit = script[k];
                string line = edit.Kind switch
                {
                    EditKind.Same => string.Format(CultureInfo.InvariantCulture, "  {0,5} {1}", edit.ExpectedLine + 1, a[edit.ExpectedLine]),
                    EditKind.Removed => string.Format(CultureInfo.InvariantCulture, "- {0,5} {1}", edit.ExpectedLine + 1, a[edit.ExpectedLine]),
                    _ => string.Format(CultureInfo.InvariantCulture, "+ {0,5} {1}", edit.ActualLine + 1, b[edit.ActualLine]),
                };
                output.AppendLine(line);
                written++;
            }

            i = end;
        }

        if (changes == 0)
        {
            output.AppendLine("(the texts differ only in a final line break)");
        }

        return output.ToString();
    }

    private static string HunkHeader(List<Edit> script, int start, int end)
    {
        int expectedStart = -1, expectedCount = 0, actualStart = -1, actualCount = 0;
        for (int k = start; k < end; k++)
        {
            Edit edit = script[k];
            if (edit.Kind != EditKind.Added)
            {
                expectedStart = expectedStart < 0 ? edit.ExpectedLine : expectedStart;
                expectedCount++;
            }

            if (edit.Kind != EditKind.Removed)
            {
                actualStart = actualStart < 0 ? edit.ActualLine : actualStart;
                actualCount++;
            }
        }

        return string.Format(
            CultureInfo.InvariantCulture,
            "@@ -{0},{1} +{2},{3} @@",
            expectedStart + 1,
            expectedCount,
            actualStart + 1,
            actualCount);
    }

    private static bool AcceptingFromEnvironment()
    {
        if (IsSet(Environment.GetEnvironmentVariable("CI")))
        {
            return false; // CI never rewrites the expected output
        }

        return IsSet(Environment.GetEnvironmentVariable(AcceptVariable));

        static bool IsSet(string? value) =>
            value is not null
            && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Equal, allowing one text a final line break the other lacks (editors add one).</summary>
    private static bool SameText(string verified, string received) =>
        string.Equals(TrimFinalNewline(verified), TrimFinalNewline(received), StringComparison.Ordinal);

    private static string TrimFinalNewline(string text) =>
        text.EndsWith('\n') ? text[..^1] : text;

    private static string[] SplitLines(string text) =>
        TrimFinalNewline(text).Split('\n');

    private static void Write(string path, string text) =>
        File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

    private static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("A snapshot needs a name.", nameof(name));
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                throw new ArgumentException(
                    $"Snapshot name '{name}' may hold only ASCII letters, digits, '_', '-' and '.' (it becomes a file name).",
                    nameof(name));
            }
        }
    }

    private enum EditKind
    {
        Same,
        Removed,
        Added,
    }

    /// <summary>One line of an edit script, with its (0-based) line in each text (-1 when absent).</summary>
    private readonly record struct Edit(EditKind Kind, int ExpectedLine, int ActualLine);

    /// <summary>
    /// Longest-common-subsequence line diff. The common head and tail are peeled off first, so the
    /// quadratic table only spans the changed middle; a middle too large for it is shown as a
    /// block replaced by a block.
    /// </summary>
    private static class LineDiff
    {
        private const long MaxTableCells = 4_000_000;

        public static List<Edit> Compute(string[] a, string[] b)
        {
            int head = 0;
            while (head < a.Length && head < b.Length && a[head] == b[head])
            {
                head++;
            }

            int tail = 0;
            while (tail < a.Length - head && tail < b.Length - head && a[a.Length - 1 - tail] == b[b.Length - 1 - tail])
            {
                tail++;
            }

            var script = new List<Edit>(a.Length + b.Length);
            for (int k = 0; k < head; k++)
            {
                script.Add(new Edit(EditKind.Same, k, k));
            }

            int n = a.Length - head - tail;
            int m = b.Length - head - tail;
            if ((long)(n + 1) * (m + 1) > MaxTableCells)
            {
                for (int k = 0; k < n; k++)
                {
                    script.Add(new Edit(EditKind.Removed, head + k, -1));
                }

                for (int k = 0; k < m; k++)
                {
                    script.Add(new Edit(EditKind.Added, -1, head + k));
                }
            }
            else
            {
                Middle(a, b, head, n, m, script);
            }

            for (int k = 0; k < tail; k++)
            {
                script.Add(new Edit(EditKind.Same, a.Length - tail + k, b.Length - tail + k));
            }

            return script;
        }

        private static void Middle(string[] a, string[] b, int offset, int n, int m, List<Edit> script)
        {
            // lcs[i, j] = length of the LCS of a[offset+i..] and b[offset+j..].
            var lcs = new int[n + 1, m + 1];
            for (int i = n - 1; i >= 0; i--)
            {
                for (int j = m - 1; j >= 0; j--)
                {
                    lcs[i, j] = a[offset + i] == b[offset + j]
                        ? lcs[i + 1, j + 1] + 1
                        : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
                }
            }

            int x = 0, y = 0;
            while (x < n || y < m)
            {
                if (x < n && y < m && a[offset + x] == b[offset + y])
                {
                    script.Add(new Edit(EditKind.Same, offset + x, offset + y));
                    x++;
                    y++;
                }
                else if (y == m || (x < n && lcs[x + 1, y] >= lcs[x, y + 1]))
                {
                    script.Add(new Edit(EditKind.Removed, offset + x, -1));
                    x++;
                }
                else
                {
                    script.Add(new Edit(EditKind.Added, -1, offset + y));
                    y++;
                }
            }
        }
    }
}
