using System.Text;

namespace LayerGen.Generator.Emit;

/// <summary>Finds a name in emitted code as a whole identifier (<c>weight</c> is not in <c>weightGrad</c>).</summary>
internal static class Identifiers
{
    public static bool Contains(string text, string name)
    {
        int index = 0;
        while ((index = text.IndexOf(name, index, System.StringComparison.Ordinal)) >= 0)
        {
            bool startOk = index == 0 || !IsIdentifierChar(text[index - 1]);
            int end = index + name.Length;
            bool endOk = end >= text.Length || !IsIdentifierChar(text[end]);
            if (startOk && endOk)
            {
                return true;
            }

            index = end;
        }

        return false;
    }

    /// <summary>The code without <c>//</c> comments and string literals (which quote the forward's source text).</summary>
    public static string WithoutCommentsAndStrings(string text)
    {
        var code = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }

                code.Append('\n');
            }
            else if (c == '"')
            {
                // Literals are emitted by SymbolDisplay.FormatLiteral: a quote inside is escaped as \".
                for (i++; i < text.Length && text[i] != '"'; i++)
                {
                    if (text[i] == '\\')
                    {
                        i++;
                    }
                }

                code.Append("\"\"");
            }
            else
            {
                code.Append(c);
            }
        }

        return code.ToString();
    }

    private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
