# A PowerShell host that answers prompts from a script, for testing what a user at the console sees when
# asked: each PromptForChoice records the caption, message, choices and default, and answers the next
# scripted answer (-1: press Enter, i.e. take the default). Warnings and verbose lines are recorded.
if (-not ('MediaOpsTests.ScriptedHost' -as [type])) {
    Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace MediaOpsTests
{
    public sealed class Prompt
    {
        public string Caption; public string Message; public string[] Choices; public int DefaultChoice; public int Answer;
    }

    public sealed class ScriptedUI : PSHostUserInterface
    {
        public readonly Queue<int> Answers = new Queue<int>();
        public readonly List<Prompt> Prompts = new List<Prompt>();
        public readonly List<string> Warnings = new List<string>();
        public readonly List<string> Lines = new List<string>();
        public override PSHostRawUserInterface RawUI => null;
        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            if (Answers.Count == 0) throw new InvalidOperationException("unexpected prompt: " + message);
            var answer = Answers.Dequeue();
            var labels = new List<string>();
            foreach (var c in choices) labels.Add(c.Label);
            Prompts.Add(new Prompt { Caption = caption, Message = message, Choices = labels.ToArray(), DefaultChoice = defaultChoice, Answer = answer < 0 ? defaultChoice : answer });
            return answer < 0 ? defaultChoice : answer;
        }
        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw new NotImplementedException();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotImplementedException();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotImplementedException();
        public override string ReadLine() => throw new NotImplementedException();
        public override SecureString ReadLineAsSecureString() => throw new NotImplementedException();
        public override void Write(string value) => Lines.Add(value);
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Lines.Add(value);
        public override void WriteLine(string value) => Lines.Add(value);
        public override void WriteErrorLine(string value) => Lines.Add(value);
        public override void WriteDebugLine(string message) { }
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override void WriteVerboseLine(string message) { }
        public override void WriteWarningLine(string message) => Warnings.Add(message);
    }

    public sealed class ScriptedHost : PSHost
    {
        private readonly ScriptedUI _ui = new ScriptedUI();
        private readonly Guid _id = Guid.NewGuid();
        public ScriptedUI ScriptedUI => _ui;
        public override string Name => "MediaOpsScriptedHost";
        public override Version Version => new Version(1, 0);
        public override Guid InstanceId => _id;
        public override PSHostUserInterface UI => _ui;
        public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
        public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
        public override void SetShouldExit(int exitCode) { }
        public override void EnterNestedPrompt() => throw new NotSupportedException();
        public override void ExitNestedPrompt() => throw new NotSupportedException();
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
    }
}
'@
}

function Invoke-WithScriptedHost {
    <#
    Runs $Script in a fresh runspace whose host answers prompts with $Answers (-1 = Enter), with the module
    at $env:MEDIAOPS_MODULE_PATH imported. Returns Output, Prompts, Warnings (as the host showed them) and Errors.
    #>
    param([Parameter(Mandatory)] [scriptblock] $Script, [int[]] $Answers = @(), [hashtable] $Arguments = @{})
    $hostObject = [MediaOpsTests.ScriptedHost]::new()
    foreach ($a in $Answers) { $hostObject.ScriptedUI.Answers.Enqueue($a) }
    $runspace = [runspacefactory]::CreateRunspace($hostObject)
    $runspace.Open()
    try {
        $ps = [powershell]::Create()
        $ps.Runspace = $runspace
        $null = $ps.AddScript("Import-Module '$env:MEDIAOPS_MODULE_PATH'; Set-Location -LiteralPath '$((Get-Location).ProviderPath)'").Invoke()
        $ps.Commands.Clear()
        $null = $ps.AddScript($Script.ToString())
        foreach ($k in $Arguments.Keys) { $null = $ps.AddParameter($k, $Arguments[$k]) }
        # Merged into the host as at a console: warnings go to WriteWarningLine.
        $ps.Commands.Commands[0].MergeMyResults('Warning', 'Output')
        $out = $ps.Invoke()
        [pscustomobject]@{
            Output   = @($out | Where-Object { $_ -isnot [System.Management.Automation.WarningRecord] })
            Warnings = @($out | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | ForEach-Object Message) + @($hostObject.ScriptedUI.Warnings)
            Prompts  = @($hostObject.ScriptedUI.Prompts)
            Errors   = @($ps.Streams.Error)
            Left     = $hostObject.ScriptedUI.Answers.Count
        }
    } finally { $runspace.Dispose() }
}

Export-ModuleMember -Function Invoke-WithScriptedHost
