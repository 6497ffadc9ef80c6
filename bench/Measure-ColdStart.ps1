#requires -Version 7.0
<#
.SYNOPSIS
    Where a fresh pwsh spends its time on Import-Module MediaOps and the first cmdlet: wall and CPU per
    phase, and the methods the JIT compiled in each phase, by assembly (count and JIT time).
.DESCRIPTION
    Run it in a fresh pwsh. An in-process EventListener on the runtime's JIT events
    (MethodJittingStarted → MethodLoadVerbose) is set up before the timed phases; its own compile is
    not counted. Phases: Import-Module; the first cmdlet (a no-op Sync-MediaToS3 of -Path against
    -BucketName at -EndpointUrl); the same cmdlet again (warm). Methods that ReadyToRun images cover
    are not compiled, so the "JIT" columns show what R2R (or less code) could still save.
.EXAMPLE
    pwsh -NoProfile -File bench/Measure-ColdStart.ps1 -ModulePath out/MediaOps -Path /tmp/media -BucketName b -EndpointUrl http://127.0.0.1:8000
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $BucketName,
    [Parameter(Mandatory)] [string] $EndpointUrl,
    [string] $Prefix = 'media'
)
$ErrorActionPreference = 'Stop'

Add-Type -TypeDefinition @'
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Tracing;
using System.Linq;

public sealed class JitRecorder : EventListener
{
    private readonly ConcurrentDictionary<ulong, Tuple<DateTime, string>> _started = new ConcurrentDictionary<ulong, Tuple<DateTime, string>>();
    private readonly ConcurrentQueue<Tuple<string, double>> _done = new ConcurrentQueue<Tuple<string, double>>();
    public volatile bool Recording;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x10); // JIT keyword
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!Recording || e.Payload == null) return;
        if (e.EventId == 145) // MethodJittingStarted
        {
            var id = Convert.ToUInt64(e.Payload[0]);
            _started[id] = Tuple.Create(e.TimeStamp, Convert.ToString(e.Payload[e.PayloadNames.IndexOf("MethodNamespace")]));
        }
        else if (e.EventId == 143) // MethodLoadVerbose
        {
            var id = Convert.ToUInt64(e.Payload[0]);
            Tuple<DateTime, string> s;
            if (_started.TryRemove(id, out s)) _done.Enqueue(Tuple.Create(s.Item2, (e.TimeStamp - s.Item1).TotalMilliseconds));
        }
    }

    /// <summary>Methods compiled since the last call, grouped by the assembly their type's namespace points to.</summary>
    public IEnumerable<object[]> Drain()
    {
        var items = new List<Tuple<string, double>>();
        Tuple<string, double> t;
        while (_done.TryDequeue(out t)) items.Add(t);
        return items.GroupBy(x => Owner(x.Item1))
                    .Select(g => new object[] { g.Key, g.Count(), Math.Round(g.Sum(x => x.Item2), 1) })
                    .OrderByDescending(x => (double)x[2]).ToList();
    }

    private static string Owner(string ns)
    {
        if (ns.StartsWith("Amazon.S3")) return "AWSSDK.S3";
        if (ns.StartsWith("Amazon.SecurityToken")) return "AWSSDK.SecurityToken";
        if (ns.StartsWith("Amazon.")) return "AWSSDK.Core";
        if (ns.StartsWith("MediaOps.Commands") || ns.StartsWith("MediaOps.Infrastructure")) return "MediaOps (cmdlets)";
        if (ns.StartsWith("MediaOps.Isolation")) return "MediaOps.Isolation";
        if (ns.StartsWith("MediaOps")) return "MediaOps.Engine/Model";
        if (ns.StartsWith("System.Management.Automation") || ns.StartsWith("Microsoft.PowerShell")) return "PowerShell";
        if (ns.StartsWith("System.Text.Json")) return "System.Text.Json";
        if (ns.StartsWith("System.Net")) return "System.Net.*";
        if (ns.StartsWith("System.")) return "System.* (other)";
        return "other: " + (ns.Length > 40 ? ns.Substring(0, 40) : ns);
    }
}
'@

$listener = [JitRecorder]::new()
Start-Sleep -Milliseconds 200   # let the listener attach before anything is timed
$null = $listener.Drain()
$process = [Diagnostics.Process]::GetCurrentProcess()
function Get-Cpu { $process.Refresh(); $process.TotalProcessorTime.TotalSeconds }

$phases = [ordered]@{
    'Import-Module'        = { Import-Module $ModulePath }
    'first no-op sync'     = { $null = Sync-MediaToS3 -Path $Path -BucketName $BucketName -Prefix $Prefix -EndpointUrl $EndpointUrl -Region us-east-1 -Confirm:$false }
    'second no-op (warm)'  = { $null = Sync-MediaToS3 -Path $Path -BucketName $BucketName -Prefix $Prefix -EndpointUrl $EndpointUrl -Region us-east-1 -Confirm:$false }
}
foreach ($name in $phases.Keys) {
    $listener.Recording = $true
    $cpu = Get-Cpu; $sw = [Diagnostics.Stopwatch]::StartNew()
    & $phases[$name]
    $wall = $sw.Elapsed.TotalSeconds; $cpu = (Get-Cpu) - $cpu
    Start-Sleep -Milliseconds 300   # runtime events arrive asynchronously
    $listener.Recording = $false
    $jit = @($listener.Drain())
    $methods = ($jit | ForEach-Object { $_[1] } | Measure-Object -Sum).Sum
    $jitMs = ($jit | ForEach-Object { $_[2] } | Measure-Object -Sum).Sum
    Write-Host ("{0,-20} wall {1,6:N3} s  CPU {2,6:N3} s  JIT {3,5} methods {4,7:N0} ms" -f $name, $wall, $cpu, [int]$methods, $jitMs)
    foreach ($row in $jit | Select-Object -First 8) { Write-Host ("    {0,-24} {1,5} methods {2,7:N1} ms" -f $row[0], $row[1], $row[2]) }
}
$listener.Dispose()
