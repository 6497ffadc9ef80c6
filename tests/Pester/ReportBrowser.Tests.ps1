#requires -Modules Pester
# The demo's evidence reports checked by clients no one here wrote: headless Chromium (Debian's chromium, driven over
# the DevTools protocol by playwright-core) opens them from a file URL as a reviewer opens an e-mail attachment; the Nu
# HTML Checker (vnu-jar) validates them; markdown-it renders the Markdown. Screenshots stay in out/test-artifacts/report/.
# Needs Debian's chromium and a Java runtime (.ci/run installs chromium; default-jre-headless if java is missing) and
# the npm packages of tests/report (installed here with `npm ci --ignore-scripts` when absent).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:Tools = Join-Path $RepoRoot 'tests/report'
    $script:Artifacts = Join-Path $RepoRoot 'out/test-artifacts/report'
    Remove-Item $Artifacts -Recurse -Force -ErrorAction SilentlyContinue
    $null = New-Item -ItemType Directory -Path $Artifacts -Force

    $script:Chromium = if ($env:CHROMIUM_PATH) { $env:CHROMIUM_PATH } else { '/usr/bin/chromium' }
    if (-not (Test-Path $Chromium)) { throw "Debian's chromium is needed at $Chromium for the browser checks: apt-get install chromium (.ci/run installs it), or set CHROMIUM_PATH." }
    if (-not (Get-Command java -ErrorAction SilentlyContinue)) { throw 'A Java runtime is needed for the Nu HTML Checker: apt-get install default-jre-headless.' }
    if (-not (Test-Path (Join-Path $Tools 'node_modules/playwright-core'))) {
        $npm = & npm ci --ignore-scripts --prefix $Tools 2>&1
        if ($LASTEXITCODE -ne 0) { throw "npm ci in tests/report failed: $npm" }
    }
    function script:Invoke-Node([string] $Script, [string[]] $Arguments) {
        $out = & node (Join-Path $Tools $Script) @Arguments 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Result = ($out | Select-Object -Last 1 | ConvertFrom-Json); Output = ($out | Out-String) }
    }

    # The demo as the README runs it, in a fresh pwsh: it writes its evidence reports to the artifacts folder.
    $log = Join-Path $Artifacts 'demo.log'
    Invoke-FreshPwsh -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'examples/Demo.ps1') -ModulePath $env:MEDIAOPS_MODULE_PATH -ReportFolder $Artifacts *> $log
    if ($LASTEXITCODE -ne 0) { throw "the demo failed (exit $LASTEXITCODE): $(Get-Content -Raw $log)" }
    $script:Stopped = Join-Path $Artifacts 'cutover-1-stopped.html'
    $script:Completed = Join-Path $Artifacts 'cutover-2.html'
    $script:Hostile = "uploads/2019/01/<script>alert('lost')</script>.jpg"
}

Describe 'The demo''s evidence reports in a real browser' {
    It 'the stopped cutover''s report: verdict and failure rows visible, hostile name as text, no console error, no request' {
        $r = Invoke-Node 'check-report.mjs' @('--report', $Stopped, '--screenshot', (Join-Path $Artifacts 'cutover-1-stopped.png'),
            '--verdict', '2 failures', '--failure-item', $Hostile, '--failure-item', 'uploads/2019/01/lost before the move.jpg', '--text', $Hostile)
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Result.failureRows | Should -Be 2
        $r.Result.consoleErrors | Should -BeNullOrEmpty
        $r.Result.requests | Should -BeNullOrEmpty
        Join-Path $Artifacts 'cutover-1-stopped.png' | Should -Exist
    }

    It 'the completed cutover''s report is all green, with the caller ARN and the charts' {
        $r = Invoke-Node 'check-report.mjs' @('--report', $Completed, '--screenshot', (Join-Path $Artifacts 'cutover-2.png'), '--verdict', 'All green', '--text', 'arn:aws:')
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Result.chartBars | Should -BeGreaterThan 5
    }

    It 'both pages pass the Nu HTML Checker' {
        $jar = Join-Path $Tools 'node_modules/vnu-jar/build/dist/vnu.jar'
        $out = & java -jar $jar --errors-only --format json $Stopped $Completed 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out | Out-String)
        (($out | Out-String) | ConvertFrom-Json).messages | Should -BeNullOrEmpty
    }

    It 'the Markdown renders as tables, the hostile name as the text of its cell' {
        $r = Invoke-Node 'check-markdown.mjs' @('--report', (Join-Path $Artifacts 'cutover-1-stopped.md'), '--text', $Hostile, '--text', 'Fail')
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Result.tables | Should -BeGreaterOrEqual 5
    }
}
