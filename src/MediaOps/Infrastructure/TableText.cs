using System;
using System.Text;

namespace MediaOps.Infrastructure
{
    /// <summary>
    /// Word wrap for the table views (MediaOps.Format.ps1xml): PowerShell's own table wrap cuts at the
    /// column edge, mid-word ("Initialize-Me / diaBucket"). A cell pre-wrapped to its column's width at
    /// spaces is shown as it is; a single word longer than the column (an S3 key, a URL) is cut at the edge.
    /// </summary>
    public static class TableText
    {
        public static string Wrap(object value, int width)
        {
            var text = value?.ToString();
            if (string.IsNullOrEmpty(text) || width < 1) return text;
            var output = new StringBuilder(text.Length + 8);
            foreach (var paragraph in text.Replace("\r\n", "\n").Split('\n'))
            {
                if (output.Length > 0) output.Append('\n');
                var lineLength = 0;
                foreach (var word in paragraph.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
                {
                    var rest = word;
                    if (lineLength > 0 && lineLength + 1 + rest.Length <= width) { output.Append(' ').Append(rest); lineLength += 1 + rest.Length; continue; }
                    if (lineLength > 0) { output.Append('\n'); lineLength = 0; }
                    while (rest.Length > width)
                    {
                        output.Append(rest, 0, width).Append('\n');
                        rest = rest.Substring(width);
                    }
                    output.Append(rest);
                    lineLength = rest.Length;
                }
            }
            return output.ToString();
        }
    }
}
