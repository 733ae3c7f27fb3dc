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

    private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
