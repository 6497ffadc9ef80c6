#requires -Modules Pester
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module $env:MEDIAOPS_MODULE_PATH -Force
    Remove-Item Env:AWS_LOCATION -ErrorAction SilentlyContinue
    $script:Nfd = 'cafe' + [char]0x0301 + '.jpg'
    $script:Root = New-TestMediaTree -Files @{
        'uploads/2024/photo one.jpg' = 'jpeg bytes'
        'a-b'                        = 'dash'
        'a/b.webp'                   = 'webp'
        $Nfd                         = 'nfd'
        'what?.png'                  = 'q'
        'admin/css/base.css'         = 'body{}'
        'notes.txt~'                 = 'backup'
        '.DS_Store'                  = 'junk'
        ('long/' + ('x' * 250) + '/' + ('y' * 250) + '/' + ('z' * 250) + '/' + ('v' * 250) + '/' + ('w' * 30) + '.txt') = 'long'
        'empty.bin'                  = [byte[]]@()
    }
    New-Item -ItemType SymbolicLink -Path (Join-Path $Root 'link.jpg') -Target (Join-Path $Root 'a-b') | Out-Null
}
AfterAll { Remove-Item $script:Root -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'Get-MediaInventory' {
    It 'streams one LocalMediaFile per file in S3 key order with keys and Python content types' {
        $files = Get-MediaInventory -Path $Root
        $files | ForEach-Object { $_ | Should -BeOfType ([MediaOps.LocalMediaFile]) }
        $files.Count | Should -Be 11
        $names = @($files.RelativePath)
        $names.IndexOf('a-b') | Should -BeLessThan $names.IndexOf('a/b.webp')
        ($files | Where-Object RelativePath -eq 'uploads/2024/photo one.jpg').Key | Should -BeExactly 'media/uploads/2024/photo one.jpg'
        ($files | Where-Object RelativePath -eq 'a/b.webp').ContentType | Should -BeExactly 'image/webp'
        ($files | Where-Object RelativePath -eq 'uploads/2024/photo one.jpg').Problem | Should -BeNullOrEmpty
        ($files | Where-Object RelativePath -eq 'empty.bin').Length | Should -Be 0
    }

    It 'names the problems: NFC, unportable, static, temp, key length, symlink' {
        $files = Get-MediaInventory -Path $Root -Prefix 'site/media'
        ($files | Where-Object RelativePath -eq $Nfd).Problem | Should -Match '^NotNfc:'
        ($files | Where-Object RelativePath -eq 'what?.png').Problem | Should -Match 'UnportableName'
        ($files | Where-Object RelativePath -eq 'admin/css/base.css').Problem | Should -Match 'StaticAsset'
        ($files | Where-Object RelativePath -eq 'notes.txt~').Problem | Should -Match 'TempFile'
        ($files | Where-Object RelativePath -eq '.DS_Store').Problem | Should -Match 'TempFile'
        ($files | Where-Object RelativePath -like 'long/*').Problem | Should -Match 'KeyTooLong'
        ($files | Where-Object RelativePath -eq 'link.jpg').Problem | Should -Match '^Symlink:'
        ($files | Where-Object RelativePath -eq 'a-b').Key | Should -BeExactly 'site/media/a-b'
    }

    It '-Summary counts files, bytes and problem kinds' {
        $s = Get-MediaInventory -Path $Root -Summary
        $s | Should -BeOfType ([MediaOps.MediaInventorySummary])
        $s.Files | Should -Be 11
        $s.ProblemFiles | Should -Be 7
        $s.Problems['TempFile'] | Should -Be 2
        $s.Problems['Symlink'] | Should -Be 1
        $s.LargestFile | Should -Be 'uploads/2024/photo one.jpg'
    }

    It '-FollowSymlink audits what the link points to' {
        $link = Get-MediaInventory -Path $Root -FollowSymlink | Where-Object RelativePath -eq 'link.jpg'
        $link.Length | Should -Be 4
        $link.Problem | Should -BeNullOrEmpty
    }

    It 'a missing folder is one clear error' {
        $missing = Join-Path ([IO.Path]::GetTempPath()) ([guid]::NewGuid())
        { Get-MediaInventory -Path $missing -ErrorAction Stop } | Should -Throw -ErrorId 'MediaOps.PathNotFound*'
    }
}
