#!/usr/bin/env python3
"""fake_vsphere.py MODE PORTFILE LOGFILE: a tiny vSphere SOAP endpoint of
tests/cli/t-vcenter.sh, for what the simulator cannot do: pages (govmomi
0.24's vcsim ignores maxObjects and has no ContinueRetrievePropertiesEx), a
connection that closes mid-response, a stalled response, a SOAP fault in
the middle of a run, a permission fault on one object. Replies have the shape
of the captured exchange (shared/kb/vcsim-exchange.xml). Each request's
method (and token, maxObjects) is appended to LOGFILE, one line each.

MODE: paging | api55 | fault | denied | stall | truncate | truncate-chunked | truncate-close
(api55: paging, from a server of API 5.5)
Listens on 127.0.0.1, a free port, written to PORTFILE once serving."""
import http.server
import os
import re
import socketserver
import sys
import time

MODE, PORTFILE, LOGFILE = sys.argv[1], sys.argv[2], sys.argv[3]
XSI = 'xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance"'

# The inventory: (name, guestId, version, nic class, scsi class, vm moref)
VMS = [("web-1", "windows9Server64Guest", "vmx-14", "VirtualE1000", "VirtualLsiLogicSASController", "vm-1"),
       ("esx-nested", "vmkernel7Guest", "vmx-17", "VirtualVmxnet3", "ParaVirtualSCSIController", "vm-2"),
       ("db-1", "rhel8_64Guest", "vmx-15", "VirtualE1000e", "ParaVirtualSCSIController", "vm-3")]


def envelope(body):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope '
            'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>'
            + body + '</soapenv:Body></soapenv:Envelope>')


def fault(kind, msg):
    return envelope('<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>%s</faultstring>'
                    '<detail><%sFault xmlns="urn:vim25" xsi:type="%s"></%sFault></detail></soapenv:Fault>'
                    % (msg, kind, kind, kind))


def prop(name, val, xtype, extra=""):
    return ('<propSet><name>%s</name><val %s XMLSchema-instance:type="%s"%s>%s</val></propSet>'
            % (name, XSI, xtype, extra, val))


def moref_prop(name, mtype, value):
    return prop(name, value, "ManagedObjectReference", ' type="%s"' % mtype)


def entity(mtype, moref, name, parent=None, ptype="Folder", more=""):
    s = '<objects><obj type="%s">%s</obj>%s' % (mtype, moref, prop("name", name, "xsd:string"))
    if parent:
        s += moref_prop("parent", ptype, parent)
    return s + more + '</objects>'


ENTITIES = (entity("Folder", "group-d1", "Datacenters")
            + entity("Datacenter", "datacenter-2", "DC", "group-d1")
            + entity("Folder", "group-v3", "vm", "datacenter-2", "Datacenter")
            + entity("Folder", "group-h4", "host", "datacenter-2", "Datacenter")
            + entity("ComputeResource", "domain-s1", "esx1", "group-h4")
            + entity("HostSystem", "host-1", "esx1", "domain-s1", "ComputeResource",
                     prop("summary.config.product",
                          "<name>VMware ESXi</name><fullName>VMware ESXi 5.5.0 build-1331820</fullName>"
                          "<version>5.5.0</version><build>1331820</build>", "AboutInfo")
                     + prop("summary.hardware.cpuModel", "Test CPU 1", "xsd:string")
                     # HostCapabilityFtUnsupportedReason values: one about the CPU, one not
                     + prop("capability.ftCompatibilityIssues",
                            "<string>ftNotLicensed</string><string>cpuHvDisabled</string>", "ArrayOfString")))

# config.cpuFeatureMask of web-1 (HostCpuIdInfo): level 1 ECX hides POPCNT (bit
# 23), level 0x80000001 (an xsd:int: -2147483647) ECX hides SVM (bit 2), and an
# AMD-only level 7 EBX mask hides AVX2 (bit 5): a vendor's mask is not written.
MASKS = ('<HostCpuIdInfo XMLSchema-instance:type="HostCpuIdInfo"><level>1</level>'
         '<ecx>----:----:0---:----:----:----:----:----</ecx></HostCpuIdInfo>'
         '<HostCpuIdInfo XMLSchema-instance:type="HostCpuIdInfo"><level>-2147483647</level>'
         '<ecx>----:----:----:----:----:----:----:-0--</ecx></HostCpuIdInfo>'
         '<HostCpuIdInfo XMLSchema-instance:type="HostCpuIdInfo"><level>7</level><vendor>amd</vendor>'
         '<ebx>----:----:----:----:----:----:--0-:----</ebx></HostCpuIdInfo>')
# config.nestedHVEnabled: web-1 none (unset), esx-nested true, db-1 an explicit false
NESTED = {0: None, 1: "true", 2: "false"}


def vm_object(i):
    name, guest, version, nic, scsi, moref = VMS[i]
    devices = ('<VirtualDevice XMLSchema-instance:type="%s"><key>1000</key><busNumber>0</busNumber></VirtualDevice>'
               '<VirtualDevice XMLSchema-instance:type="VirtualDisk"><key>2000</key><controllerKey>1000</controllerKey>'
               '<unitNumber>0</unitNumber></VirtualDevice>'
               '<VirtualDevice XMLSchema-instance:type="%s"><key>4000</key><addressType>generated</addressType>'
               '<macAddress>00:50:56:00:00:0%d</macAddress></VirtualDevice>' % (scsi, nic, i))
    body = (prop("name", name, "xsd:string") + moref_prop("parent", "Folder", "group-v3")
            + prop("config.guestId", guest, "xsd:string") + prop("config.version", version, "xsd:string")
            + prop("config.firmware", "bios", "xsd:string") + prop("config.hardware.memoryMB", "2048", "xsd:int")
            + moref_prop("runtime.host", "HostSystem", "host-1")
            + prop("runtime.powerState", "poweredOn", "VirtualMachinePowerState")
            + prop("summary.config.vmPathName", "[ds1] %s/%s.vmx" % (name, name), "xsd:string"))
    if NESTED[i] is not None:
        body += prop("config.nestedHVEnabled", NESTED[i], "xsd:boolean")
    if i == 0:
        body += prop("config.cpuFeatureMask", MASKS, "ArrayOfHostCpuIdInfo")
    if MODE == "denied" and i == 1:  # everything but the name refused
        body = prop("name", name, "xsd:string") + moref_prop("parent", "Folder", "group-v3")
        for p in ("config.guestId", "config.hardware.device"):
            body += ('<missingSet><path>%s</path><fault><fault xsi:type="NoPermission">'
                     '<privilegeId>System.Read</privilegeId></fault></fault></missingSet>' % p)
    elif MODE == "denied" and i == 2:  # the devices refused, the rest readable
        body += ('<missingSet><path>config.hardware.device</path><fault><fault xsi:type="NoPermission">'
                 '<privilegeId>System.Read</privilegeId></fault></fault></missingSet>')
    else:
        body += prop("config.hardware.device", devices, "ArrayOfVirtualDevice")
    return '<objects><obj type="VirtualMachine">%s</obj>%s</objects>' % (moref, body)


def retrieve_result(objs, token, continued):
    tag = "ContinueRetrievePropertiesExResponse" if continued else "RetrievePropertiesExResponse"
    tok = "<token>%s</token>" % token if token else ""
    return envelope('<%s xmlns="urn:vim25"><returnval>%s%s</returnval></%s>' % (tag, tok, objs, tag))


SERVICE = envelope(
    '<RetrieveServiceContentResponse xmlns="urn:vim25"><returnval>'
    '<rootFolder type="Folder">group-d1</rootFolder>'
    '<propertyCollector type="PropertyCollector">pc-7</propertyCollector>'
    '<viewManager type="ViewManager">vm-mgr-7</viewManager>'
    '<about><name>VMware vCenter Server</name><fullName>fake</fullName><version>6.7.0</version>'
    '<build>1</build><apiType>VirtualCenter</apiType><apiVersion>%s</apiVersion></about>'
    '<sessionManager type="SessionManager">sm-7</sessionManager></returnval></RetrieveServiceContentResponse>'
    % ("5.5" if MODE == "api55" else "6.7"))
if MODE == "api55":
    MODE = "paging"


def log(line):
    with open(LOGFILE, "a") as f:
        f.write(line + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, body, code=200):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if MODE != "stall":
            self.send_header("Set-Cookie", "vmware_soap_session=fake-1; HttpOnly")
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        m = re.search(r'<soapenv:Body><(\w+)', body)
        method = m.group(1) if m else "?"
        this = re.search(r'<_this type="[^"]*">([^<]*)</_this>', body)
        tok = re.search(r"<token>([^<]*)</token>", body)
        mx = re.search(r"<maxObjects>(\d+)</maxObjects>", body)
        log(" ".join([method, "this=" + (this.group(1) if this else "-")]
                     + (["token=" + tok.group(1)] if tok else []) + (["max=" + mx.group(1)] if mx else [])
                     + (["smpft"] if "smpFtCompatibilityIssues" in body else [])))
        if MODE.startswith("truncate"):
            data = SERVICE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            if MODE == "truncate-close":  # no length: the body ends when the connection does
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(data[:len(data) // 2])
            elif MODE == "truncate":
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[:len(data) // 2])
            else:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                half = data[:len(data) // 2]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(half), half))
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if method == "RetrieveServiceContent":
            return self.send(SERVICE)
        if method == "Login":
            return self.send(envelope('<LoginResponse xmlns="urn:vim25"><returnval><key>fake-1</key>'
                                      '<userName>u</userName></returnval></LoginResponse>'))
        if method == "CreateContainerView":
            kind = "vms" if "<type>VirtualMachine</type>" in body else "entities"
            return self.send(envelope('<CreateContainerViewResponse xmlns="urn:vim25"><returnval '
                                      'type="ContainerView">view-%s</returnval></CreateContainerViewResponse>' % kind))
        if method == "RetrievePropertiesEx":
            if "view-entities" in body:
                return self.send(retrieve_result(ENTITIES, None, False))
            if MODE == "fault":
                return self.send(fault("SystemError", "something broke"), 500)
            if MODE == "stall":
                data = retrieve_result(vm_object(0), "t1", False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[:100])
                self.wfile.flush()
                log("stalling")
                time.sleep(20)
                return
            if MODE == "denied":
                return self.send(retrieve_result(vm_object(0) + vm_object(1) + vm_object(2), None, False))
            return self.send(retrieve_result(vm_object(0), "t1", False))
        if method == "ContinueRetrievePropertiesEx":
            t = tok.group(1) if tok else ""
            if t == "t1":
                return self.send(retrieve_result(vm_object(1), "t2", True))
            if t == "t2":
                return self.send(retrieve_result(vm_object(2), None, True))
            return self.send(fault("InvalidArgument", "bad token"), 500)
        if method in ("DestroyView", "Logout", "CancelRetrievePropertiesEx"):
            return self.send(envelope('<%sResponse xmlns="urn:vim25"></%sResponse>' % (method, method)))
        return self.send(fault("MethodNotFound", "no " + method), 500)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
with open(PORTFILE + ".tmp", "w") as f:
    f.write("%d\n" % srv.server_address[1])
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()
