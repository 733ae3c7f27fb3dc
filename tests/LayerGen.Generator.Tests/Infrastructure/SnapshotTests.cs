using System;
using System.IO;
using System.Linq;
using Xunit;
using Xunit.Sdk;

namespace LayerGen.Generator.Tests.Infrastructure;

/// <summary>The snapshot helper, tested in a temporary directory so that the repository is never touched.</summary>
public sealed class SnapshotTests : IDisposable
{
    private const string Verified = "namespace N;\n\npublic sealed class A\n{\n    public int X => 1;\n}\n";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "layergen-snapshot-tests-" + Guid.NewGuid().ToString("N"));

    public SnapshotTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string VerifiedPath(string name) => Path.Combine(_directory, name + Snapshot.VerifiedSuffix);

    private string ReceivedPath(string name) => Path.Combine(_directory, name + Snapshot.ReceivedSuffix);

    [Fact]
    public void Matching_text_passes_whatever_the_line_endings_and_removes_a_stale_received_file()
    {
        File.WriteAllText(VerifiedPath("Same"), Verified);
        File.WriteAllText(ReceivedPath("Same"), "left over from an earlier failure");

        Snapshot.MatchInDirectory(Verified.Replace("\n", "\r\n", StringComparison.Ordinal), "Same", _directory, accept: false);
        Snapshot.MatchInDirectory(Verified.TrimEnd('\n'), "Same", _directory, accept: false);

        Assert.False(File.Exists(ReceivedPath("Same")));
    }

    [Fact]
    public void A_mismatch_fails_with_a_diff_and_writes_the_received_file()
    {
        File.WriteAllText(VerifiedPath("Changed"), Verified);
        string actual = Verified.Replace("X => 1", "X => 2", StringComparison.Ordinal);

        var failure = Assert.Throws<FailException>(
            () => Snapshot.MatchInDirectory(actual, "Changed", _directory, accept: false));

        Assert.Equal(actual, File.ReadAllText(ReceivedPath("Changed")));
        Assert.Equal(Verified, File.ReadAllText(VerifiedPath("Changed"))); // untouched
        Assert.Contains("Changed.received.cs", failure.Message);
        Assert.Contains("To accept", failure.Message);
        Assert.Contains("-     5     public int X => 1;", failure.Message);
        Assert.Contains("+     5     public int X => 2;", failure.Message);
        Assert.Contains("@@ -2,5 +2,5 @@", failure.Message);
    }

    [Fact]
    public void A_missing_verified_file_fails_and_says_how_to_accept()
    {
        var failure = Assert.Throws<FailException>(
            () => Snapshot.MatchInDirectory(Verified, "New", _directory, accept: false));

        Assert.Contains("no verified file", failure.Message);
        Assert.Contains(Snapshot.AcceptVariable + "=1", failure.Message);
        Assert.Equal(Verified, File.ReadAllText(ReceivedPath("New")));
        Assert.False(File.Exists(VerifiedPath("New")));
    }

    [Fact]
    public void Accepting_overwrites_the_verified_file_and_passes()
    {
        File.WriteAllText(VerifiedPath("Accepted"), Verified);
        File.WriteAllText(ReceivedPath("Accepted"), "old");
        string actual = Verified.Replace("X => 1", "X => 3", StringComparison.Ordinal);

        Snapshot.MatchInDirectory(actual.Replace("\n", "\r\n", StringComparison.Ordinal), "Accepted", _directory, accept: true);

        Assert.Equal(actual, File.ReadAllText(VerifiedPath("Accepted"))); // stored with \n line endings
        Assert.False(File.Exists(ReceivedPath("Accepted")));
        Snapshot.MatchInDirectory(actual, "Accepted", _directory, accept: false);
    }

    [Fact]
    public void Match_looks_in_Snapshots_beside_the_calling_source_file()
    {
        string fakeSource = Path.Combine(_directory, "SomeTests.cs");
        Directory.CreateDirectory(Path.Combine(_directory, "Snapshots"));
        File.WriteAllText(Path.Combine(_directory, "Snapshots", "Beside" + Snapshot.VerifiedSuffix), Verified);

        Snapshot.Match(Verified, "Beside", fakeSource);
    }

    [Fact]
    public void Names_that_are_not_plain_file_names_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => Snapshot.MatchInDirectory(Verified, "../escape", _directory, accept: false));
        Assert.Throws<ArgumentException>(() => Snapshot.MatchInDirectory(Verified, "", _directory, accept: false));
    }

    [Fact]
    public void The_diff_shows_context_and_is_cut_when_long()
    {
        string expected = string.Join("\n", Enumerable.Range(1, 400).Select(i => $"line {i}"));
        string actual = string.Join("\n", Enumerable.Range(1, 400).Select(i => i % 2 == 0 ? $"changed {i}" : $"line {i}"));

        string diff = Snapshot.Diff(expected, actual);

        Assert.StartsWith("--- verified\n+++ received\n", diff.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Contains("diff cut after", diff);
        Assert.True(diff.Split('\n').Length < 100, diff);
    }

    [Fact]
    public void The_diff_of_an_insertion_keeps_later_lines_as_context()
    {
        string expected = "a\nb\nc\nd\ne\nf\ng\nh\n";
        string actual = "a\nb\nc\nd\nNEW\ne\nf\ng\nh\n";

        string[] lines = Snapshot.Diff(expected, actual).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

        Assert.Contains("@@ -2,6 +2,7 @@", lines);
        Assert.Contains("+     5 NEW", lines);
        Assert.Contains("      5 e", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith('-') && !l.StartsWith("---", StringComparison.Ordinal));
    }
}
