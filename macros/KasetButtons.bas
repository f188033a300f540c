Attribute VB_Name = "KasetButtons"
' kaset_xl: the buttons of the district workbook (first sheet). Each button runs one Python
' function of kaset_xl.xl through xlwings' RunPython (module xlwings in this project).
' Keep this file ASCII: VBA stores it in code page 1252. The Thai captions are on the sheet.
Option Explicit

Public Sub KasetValidate()
    RunPython "import kaset_xl.xl as x; x.validate()"
End Sub

Public Sub KasetScore()
    RunPython "import kaset_xl.xl as x; x.score()"
End Sub

Public Sub KasetBudget()
    RunPython "import kaset_xl.xl as x; x.budget()"
End Sub

Public Sub KasetClear()
    RunPython "import kaset_xl.xl as x; x.clear_results()"
End Sub
