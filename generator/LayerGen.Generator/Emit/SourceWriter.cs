using System;
using System.Text;

namespace LayerGen.Generator.Emit;

/// <summary>
/// Writes indented C#. <see cref="Block"/> opens a brace and returns a handle whose disposal
/// closes it, so structure, not bookkeeping, closes the braces (STYLE.md, rule 6).
/// </summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public void Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _indent * 4);
        }

        _text.Append(line).Append('\n');
        LineCount++;
    }

    /// <summary>Lines written so far.</summary>
    public int LineCount { get; private set; }

    public void Comment(string comment)
    {
        foreach (string line in comment.Split('\n'))
        {
            Line("// " + _commentPrefix + line);
            _commentPrefix = string.Empty;
        }
    }

    private string _commentPrefix = string.Empty;

    /// <summary>Starts the next comment line with <paramref name="prefix"/> (until <see cref="Comment"/> or <see cref="ClearCommentPrefix"/>).</summary>
    public void PrefixNextComment(string prefix) => _commentPrefix = prefix;

    public void ClearCommentPrefix() => _commentPrefix = string.Empty;

    public IDisposable Block(string header)
    {
        Line(header);
        return Block();
    }

    public IDisposable Block()
    {
        Line("{");
        _indent++;
        return new Closer(this);
    }

    /// <summary>Appends text written by another writer, indented to this writer's level.</summary>
    public void Append(SourceWriter other)
    {
        foreach (string line in other.ToString().TrimEnd('\n').Split('\n'))
        {
            Line(line);
        }
    }

    /// <summary>Characters written so far; with <see cref="TextFrom"/>, what one piece of emission wrote.</summary>
    public int Length => _text.Length;

    /// <summary>The text written since <paramref name="start"/> (an earlier <see cref="Length"/>).</summary>
    public string TextFrom(int start) => _text.ToString(start, _text.Length - start);

    public override string ToString() => _text.ToString();

    private sealed class Closer : IDisposable
    {
        private readonly SourceWriter _writer;

        public Closer(SourceWriter writer) => _writer = writer;

        public void Dispose()
        {
            _writer._indent--;
            _writer.Line("}");
        }
    }
}
