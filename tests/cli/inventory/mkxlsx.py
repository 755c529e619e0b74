# mkxlsx.py: writes a minimal .xlsx workbook (a zip of SpreadsheetML parts) with
# Python's zipfile, for the inventory tests: sheets by name, cells as shared
# strings or inline strings, numbers as numbers. The worksheet files are
# numbered in the reverse of the sheet order, so a reader must follow
# xl/workbook.xml and its relationships to find a sheet by name.
import sys, zipfile
from xml.sax.saxutils import escape
def col(i):
    s=""
    i+=1
    while i: i,r=divmod(i-1,26); s=chr(65+r)+s
    return s
def sheet_xml(rows, sst, inline=False):
    out=['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for r,row in enumerate(rows,1):
        out.append('<row r="%d">'%r)
        for c,v in enumerate(row):
            if v is None: continue
            ref="%s%d"%(col(c),r)
            if isinstance(v,(int,float)) and not isinstance(v,bool):
                out.append('<c r="%s"><v>%s</v></c>'%(ref,v))
            elif inline:
                out.append('<c r="%s" t="inlineStr"><is><t>%s</t></is></c>'%(ref,escape(v)))
            else:
                if v not in sst: sst.append(v)
                out.append('<c r="%s" t="s"><v>%d</v></c>'%(ref,sst.index(v)))
        out.append('</row>')
    out.append('</sheetData></worksheet>')
    return "".join(out)
def write(path, sheets, inline=False, drop=()):
    sst=[]
    z=zipfile.ZipFile(path,"w",zipfile.ZIP_DEFLATED)
    names=list(sheets)
    wb=['<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>']
    rels=['<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">']
    # sheets in reverse file order, to show sheets are found by name
    for i,n in enumerate(names,1):
        wb.append('<sheet name="%s" sheetId="%d" r:id="rId%d"/>'%(n,i,i))
        rels.append('<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>'%(i,len(names)+1-i))
    wb.append('</sheets></workbook>'); rels.append('</Relationships>')
    bodies={n:sheet_xml(sheets[n],sst,inline) for n in names}
    for i,n in enumerate(names,1):
        z.writestr("xl/worksheets/sheet%d.xml"%(len(names)+1-i), bodies[n])
    if "sst" not in drop:
        z.writestr("xl/sharedStrings.xml",'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'%(len(sst),len(sst))+"".join('<si><t xml:space="preserve">%s</t></si>'%escape(s) for s in sst)+'</sst>')
    z.writestr("xl/workbook.xml","".join(wb))
    z.writestr("xl/_rels/workbook.xml.rels","".join(rels))
    z.writestr("[Content_Types].xml",'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
    z.close()
