using System;
using System.IO;
using System.Management.Automation;
using MediaOps.Infrastructure;
using MediaOps.S3Inventory;
using MediaOps.Targets;
using MediaOps.Verification;

namespace MediaOps.Commands
{
    /// <summary>
    /// Do these Django file names resolve to objects? HEADs names from the pipeline concurrently and
    /// writes one ObjectCheck per name in input order, starting before the input ends.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "MediaObject", DefaultParameterSetName = ByName)]
    [OutputType(typeof(ObjectCheck))]
    [OutputType(typeof(bool))]
    public sealed class TestMediaObjectCommand : MediaTargetCmdlet
    {
        private const string ByName = "ByName";

        /// <summary>Django file names (FileField values), e.g. uploads/2024/a.jpg.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Key", "FileName", "File")]
        [AllowEmptyString]
        public string[] Name { get; set; }

        /// <summary>
        /// The piped object each name came from (a string, or a CSV row with Name/Key/FileName): carried on each result as
        /// InputObject, and the row's other columns (e.g. id) are copied onto the result so a failure names its row.
        /// </summary>
        [Parameter(ValueFromPipeline = true)]
        [AllowNull]
        public PSObject InputObject { get; set; }

        /// <summary>The local MEDIA_ROOT to compare lengths (and with -Checksum, content) with.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>Compare the local file's MD5 with the object's ETag (single-part uploads only).</summary>
        [Parameter]
        public SwitchParameter Checksum { get; set; }

        /// <summary>HEAD requests in flight at once.</summary>
        [Parameter]
        [ValidateRange(1, 256)]
        public int Concurrency { get; set; } = 32;

        /// <summary>An S3 Inventory report's manifest.json (local path or s3://bucket/key) to use as the listing to answer from: names it lists need no request, the others get a HEAD.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Inventory { get; set; }

        /// <summary>A report older than this gives a Warning (default 2 days).</summary>
        [Parameter]
        public TimeSpan MaxInventoryAge { get; set; } = InventoryOptions.DefaultMaxAge;

        /// <summary>Only the names of slice k of n ("2/4"): n workers, each with its own k, cover every name exactly once.</summary>
        [Parameter]
        [ValidatePattern(@"^\s*\d+\s*/\s*\d+\s*$")]
        public string Partition { get; set; }

        /// <summary>With -Inventory, still send a HEAD for every name (the inventory only validated and aged).</summary>
        [Parameter]
        public SwitchParameter Verify { get; set; }

        /// <summary>Return one bool: true when every name passed (no Fail or Error row).</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        private ObjectChecker _checker;
        private ObjectCheckRun _run;
        private bool _allPassed = true;

        protected override void OnBegin()
        {
            if (Checksum && Path == null)
                throw new MediaOpsException("ChecksumNeedsPath", FailureKind.InvalidArgument,
                    "-Checksum compares with local files: pass -Path with the MEDIA_ROOT as well.");
            if (Verify && Inventory == null)
                throw new MediaOpsException("VerifyNeedsInventory", FailureKind.InvalidArgument,
                    "-Verify goes with -Inventory (a HEAD for every name even when the inventory lists it); without -Inventory every name gets a HEAD anyway.");
            string root = null;
            if (Path != null)
            {
                root = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
                if (!Directory.Exists(root))
                    throw new MediaOpsException("PathNotFound", FailureKind.NotFound, $"-Path '{Path}' is not a folder. Pass the Django MEDIA_ROOT.", Path);
            }
            _checker = new ObjectChecker(Clients, ResolveTarget(), root, Checksum,
                InventoryParameters.Options(this, Inventory, MaxInventoryAge), Verify, KeyPartition.Parse(Partition));
            var observer = Observer<ObjectCheck>(Write);
            _run = Await(ct => _checker.StartAsync(Concurrency, observer, ct));
        }

        protected override void OnRecord()
        {
            // Each name waits only for a free slot; rows that are next in input order are written meanwhile.
            foreach (var name in Name ?? new string[0])
                Await(ct => _run.AddAsync(name, InputObject, ct));
        }

        protected override void OnEnd()
        {
            Await(ct => _run.CompleteAsync(ct));
            _checker.Dispose();
            if (Quiet) WriteObject(_allPassed);
        }

        private void Write(ObjectCheck row)
        {
            if (row.Status == CheckStatus.Fail || row.Status == CheckStatus.Error) _allPassed = false;
            if (!Quiet) WriteObject(WithCallerColumns(row));
        }

        /// <summary>
        /// The result, plus the input row's own columns (those ObjectCheck does not have, e.g. id) as note properties:
        /// Import-Csv names.csv | Test-MediaObject | Where Status -ne Pass | Export-Csv keeps the id of each failing row.
        /// </summary>
        private static object WithCallerColumns(ObjectCheck row)
        {
            if (!(row.InputObject is PSObject input) || input.BaseObject is string) return row;
            var result = PSObject.AsPSObject(row);
            foreach (var property in input.Properties)
            {
                if (!property.IsGettable || result.Properties[property.Name] != null) continue;
                object value;
                try { value = property.Value; }
                catch (GetValueException) { continue; }
                result.Properties.Add(new PSNoteProperty(property.Name, value));
            }
            return result;
        }
    }
}
