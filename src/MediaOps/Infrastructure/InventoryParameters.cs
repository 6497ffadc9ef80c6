using System;
using System.Management.Automation;
using MediaOps.S3Inventory;

namespace MediaOps.Infrastructure
{
    /// <summary>-Inventory and -MaxInventoryAge as the engine wants them, the same for every cmdlet that has them.</summary>
    internal static class InventoryParameters
    {
        /// <summary>Null without -Inventory; a local manifest path is resolved against the PowerShell location.</summary>
        public static InventoryOptions Options(PSCmdlet cmdlet, string inventory, TimeSpan maxAge)
        {
            if (string.IsNullOrWhiteSpace(inventory)) return null;
            if (maxAge < TimeSpan.FromMinutes(1))
                throw new MediaOpsException("InvalidMaxInventoryAge", FailureKind.InvalidArgument,
                    $"-MaxInventoryAge {maxAge} is less than a minute (a bare number is read as ticks): pass a TimeSpan, e.g. (New-TimeSpan -Days 3) or '3.00:00:00'.", maxAge.ToString());
            var manifest = inventory.StartsWith("s3://", StringComparison.OrdinalIgnoreCase)
                ? inventory
                : cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(inventory);
            return new InventoryOptions { Manifest = manifest, MaxAge = maxAge };
        }
    }
}
