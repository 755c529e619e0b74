// vcollect: what `govc object.collect -json` does for the properties that
// `vmtriage vcenter` reads: log in, one ContainerView of VirtualMachine and
// HostSystem, RetrieveProperties of those paths, JSON on stdout, log out. Debian
// ships govmomi (golang-github-vmware-govmomi-dev) without govc's sources, so
// bench/vcenter.sh builds this stand-in from the same library govc is built on.
//
// Usage: vcollect URL (credentials in the URL's user info, as govc's GOVC_URL).
package main

import (
	"context"
	"encoding/json"
	"log"
	"net/url"
	"os"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/mo"
)

// The paths of src/record/vm_vsphere.c (vsphere_vm_paths, vsphere_host_paths).
var vmPaths = []string{"name", "parent", "parentVApp", "config.template", "config.guestId",
	"config.version", "config.firmware", "config.bootOptions.efiSecureBootEnabled",
	"config.nestedHVEnabled", "config.hardware.memoryMB", "config.hardware.numCPU",
	"config.hardware.numCoresPerSocket", "config.hardware.device",
	"config.memoryAllocation.reservation", "config.tools.syncTimeWithHost",
	"config.extraConfig", "runtime.host", "runtime.powerState", "summary.config.vmPathName"}
var hostPaths = []string{"name", "parent", "summary.config.product",
	"summary.hardware.cpuModel", "capability.nestedHVSupported", "runtime.connectionState"}

func main() {
	u, err := url.Parse(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	c, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Logout(ctx)
	m := view.NewManager(c.Client)
	v, err := m.CreateContainerView(ctx, c.ServiceContent.RootFolder, []string{"VirtualMachine", "HostSystem"}, true)
	if err != nil {
		log.Fatal(err)
	}
	defer v.Destroy(ctx)
	var vms []mo.VirtualMachine
	if err := v.Retrieve(ctx, []string{"VirtualMachine"}, vmPaths, &vms); err != nil {
		log.Fatal(err)
	}
	var hosts []mo.HostSystem
	if err := v.Retrieve(ctx, []string{"HostSystem"}, hostPaths, &hosts); err != nil {
		log.Fatal(err)
	}
	enc := json.NewEncoder(os.Stdout)
	for _, vm := range vms {
		if err := enc.Encode(vm); err != nil {
			log.Fatal(err)
		}
	}
	for _, h := range hosts {
		if err := enc.Encode(h); err != nil {
			log.Fatal(err)
		}
	}
}
