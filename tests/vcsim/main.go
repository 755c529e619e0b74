// vcsim-vt: the vSphere API simulator of govmomi (Debian's
// golang-github-vmware-govmomi-dev ships the library, not the binary) with
// the fixtures of tests/cli/t-vcenter.sh applied through the API.
//
// Build offline in GOPATH mode (tests/cli/t-vcenter.sh does it):
//   GOPATH=$dir:/usr/share/gocode GO111MODULE=off GOPROXY=off go build -o OUT
//
// Flags: -port-file F (the chosen port is written there once serving),
// -esx, -tls [-cert F -key F], -user NAME:PASS (strict login), -fixtures F (JSON:
// fixtures).
package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"io/ioutil"
	"log"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

type ctrl struct {
	Type string `json:"type"` // pvscsi lsilogic lsisas1068 buslogic nvme ahci
	Disk bool   `json:"disk"`
}

type vmFixture struct {
	Name          string            `json:"name"`
	GuestID       string            `json:"guestId"`
	Firmware      string            `json:"firmware"`
	Version       string            `json:"version"`
	NestedHV      *bool             `json:"nestedHV"`
	MemoryMB      int32             `json:"memoryMB"`
	ReservationMB *int64            `json:"reservationMB"`
	NumCPU        int32             `json:"numCPU"`
	Cores         int32             `json:"coresPerSocket"`
	SyncTime      *bool             `json:"syncTime"`
	Nics          []string          `json:"nics"` // replace every NIC when set
	Ctrls         []ctrl            `json:"ctrls"`
	Extra         map[string]string `json:"extra"`
	PowerOff      bool              `json:"powerOff"`
	// config.cpuFeatureMask, set on the model (the simulator's ReconfigVM
	// leaves spec.CpuFeatureMask alone)
	CpuidMask []types.HostCpuIdInfo `json:"cpuidMask"`
}

type hostFixture struct {
	Name     string `json:"name"`
	Version  string `json:"version"`
	Build    string `json:"build"`
	CPUModel string `json:"cpuModel"`
}

type fixtures struct {
	VMs   []vmFixture   `json:"vms"`
	Hosts []hostFixture `json:"hosts"`
}

func nic(kind string) types.BaseVirtualDevice {
	card := types.VirtualEthernetCard{
		VirtualDevice: types.VirtualDevice{
			Backing: &types.VirtualEthernetCardNetworkBackingInfo{
				VirtualDeviceDeviceBackingInfo: types.VirtualDeviceDeviceBackingInfo{DeviceName: "VM Network"},
			},
		},
		AddressType: string(types.VirtualEthernetCardMacTypeGenerated),
	}
	switch kind {
	case "e1000":
		return &types.VirtualE1000{VirtualEthernetCard: card}
	case "e1000e":
		return &types.VirtualE1000e{VirtualEthernetCard: card}
	case "vmxnet3":
		return &types.VirtualVmxnet3{VirtualVmxnet: types.VirtualVmxnet{VirtualEthernetCard: card}}
	case "vmxnet2":
		return &types.VirtualVmxnet2{VirtualVmxnet: types.VirtualVmxnet{VirtualEthernetCard: card}}
	case "vlance":
		return &types.VirtualPCNet32{VirtualEthernetCard: card}
	}
	log.Fatalf("unknown nic %q", kind)
	return nil
}

func controller(kind string, bus int32, key int32) types.BaseVirtualDevice {
	dev := types.VirtualDevice{Key: key}
	ctl := types.VirtualController{VirtualDevice: dev, BusNumber: bus}
	scsi := types.VirtualSCSIController{VirtualController: ctl, SharedBus: types.VirtualSCSISharingNoSharing}
	switch kind {
	case "pvscsi":
		return &types.ParaVirtualSCSIController{VirtualSCSIController: scsi}
	case "lsilogic":
		return &types.VirtualLsiLogicController{VirtualSCSIController: scsi}
	case "lsisas1068":
		return &types.VirtualLsiLogicSASController{VirtualSCSIController: scsi}
	case "buslogic":
		return &types.VirtualBusLogicController{VirtualSCSIController: scsi}
	case "nvme":
		return &types.VirtualNVMEController{VirtualController: ctl}
	case "ahci":
		return &types.VirtualAHCIController{VirtualSATAController: types.VirtualSATAController{VirtualController: ctl}}
	}
	log.Fatalf("unknown controller %q", kind)
	return nil
}

func apply(ctx context.Context, c *govmomi.Client, fx fixtures) {
	for _, f := range fx.VMs {
		// the simulator's list of valid guest ids predates vmkernel65/7Guest
		// (real vSphere has them: vim25/types/enum.go); add what the fixtures use
		simulator.GuestID = append(simulator.GuestID, types.VirtualMachineGuestOsIdentifier(f.GuestID))
	}
	for _, f := range fx.VMs {
		e := simulator.Map.FindByName(f.Name, refs("VirtualMachine"))
		if e == nil {
			log.Fatalf("no VM %q", f.Name)
		}
		svm := e.(*simulator.VirtualMachine)
		vm := object.NewVirtualMachine(c.Client, svm.Reference())
		spec := types.VirtualMachineConfigSpec{
			GuestId: f.GuestID, Firmware: f.Firmware, NestedHVEnabled: f.NestedHV,
			MemoryMB: int64(f.MemoryMB), NumCPUs: f.NumCPU, NumCoresPerSocket: f.Cores,
		}
		if f.ReservationMB != nil {
			spec.MemoryAllocation = &types.ResourceAllocationInfo{Reservation: f.ReservationMB}
		}
		if f.SyncTime != nil {
			spec.Tools = &types.ToolsConfigInfo{SyncTimeWithHost: f.SyncTime}
		}
		for k, v := range f.Extra {
			spec.ExtraConfig = append(spec.ExtraConfig, &types.OptionValue{Key: k, Value: v})
		}
		devices := object.VirtualDeviceList(svm.Config.Hardware.Device)
		if f.Nics != nil {
			for _, d := range devices.SelectByType((*types.VirtualEthernetCard)(nil)) {
				spec.DeviceChange = append(spec.DeviceChange, &types.VirtualDeviceConfigSpec{
					Operation: types.VirtualDeviceConfigSpecOperationRemove, Device: d})
			}
			for _, k := range f.Nics {
				spec.DeviceChange = append(spec.DeviceChange, &types.VirtualDeviceConfigSpec{
					Operation: types.VirtualDeviceConfigSpecOperationAdd, Device: nic(k)})
			}
		}
		if f.Ctrls != nil {
			for _, d := range devices {
				switch d.(type) {
				case types.BaseVirtualSCSIController, *types.VirtualDisk:
					spec.DeviceChange = append(spec.DeviceChange, &types.VirtualDeviceConfigSpec{
						Operation: types.VirtualDeviceConfigSpecOperationRemove, Device: d})
				}
			}
			bus := map[string]int32{}
			for i, k := range f.Ctrls {
				group := "scsi"
				if k.Type == "nvme" || k.Type == "ahci" {
					group = k.Type
				}
				key := int32(-100 - i)
				cd := controller(k.Type, bus[group], key)
				bus[group]++
				spec.DeviceChange = append(spec.DeviceChange, &types.VirtualDeviceConfigSpec{
					Operation: types.VirtualDeviceConfigSpecOperationAdd, Device: cd})
				if k.Disk {
					unit := int32(0)
					disk := &types.VirtualDisk{
						VirtualDevice: types.VirtualDevice{
							Key: int32(-200 - i), ControllerKey: key, UnitNumber: &unit,
							Backing: &types.VirtualDiskFlatVer2BackingInfo{
								VirtualDeviceFileBackingInfo: types.VirtualDeviceFileBackingInfo{
									FileName: fmt.Sprintf("[LocalDS_0] %s/disk-%d.vmdk", f.Name, i)},
								ThinProvisioned: types.NewBool(true),
							},
						},
						CapacityInKB: 1024,
					}
					spec.DeviceChange = append(spec.DeviceChange, &types.VirtualDeviceConfigSpec{
						Operation: types.VirtualDeviceConfigSpecOperationAdd,
						FileOperation: types.VirtualDeviceConfigSpecFileOperationCreate, Device: disk})
				}
			}
		}
		task, err := vm.Reconfigure(ctx, spec)
		if err == nil {
			err = task.Wait(ctx)
		}
		if err != nil {
			log.Fatalf("reconfigure %s: %v", f.Name, err)
		}
		if f.Version != "" { // no UpgradeVM_Task in the simulator: the model field
			svm.Config.Version = f.Version
		}
		if f.CpuidMask != nil {
			svm.Config.CpuFeatureMask = f.CpuidMask
		}
		if f.PowerOff {
			task, err := vm.PowerOff(ctx)
			if err == nil {
				err = task.Wait(ctx)
			}
			if err != nil {
				log.Fatalf("power off %s: %v", f.Name, err)
			}
		}
	}
	for _, h := range fx.Hosts {
		e := simulator.Map.FindByName(h.Name, refs("HostSystem"))
		if e == nil {
			log.Fatalf("no host %q", h.Name)
		}
		hs := e.(*simulator.HostSystem)
		// each host shares the model's AboutInfo: give this one its own copy
		p := hs.Config.Product
		p.Version, p.Build = h.Version, h.Build
		p.FullName = fmt.Sprintf("VMware ESXi %s build-%s", h.Version, h.Build)
		hs.Config = copyConfig(hs.Config)
		hs.Config.Product = p
		hs.Summary.Config.Product = &p
		hw := *hs.Summary.Hardware
		hw.CpuModel = h.CPUModel
		hs.Summary.Hardware = &hw
	}
}

func copyConfig(c *types.HostConfigInfo) *types.HostConfigInfo {
	n := *c
	return &n
}

func refs(kind string) []types.ManagedObjectReference {
	var r []types.ManagedObjectReference
	for _, e := range simulator.Map.All(kind) {
		r = append(r, e.Reference())
	}
	return r
}

var _ = mo.VirtualMachine{}

func main() {
	portFile := flag.String("port-file", "", "write the port here once serving")
	useTLS := flag.Bool("tls", false, "serve https")
	user := flag.String("user", "", "NAME:PASS: the only login accepted")
	fixFile := flag.String("fixtures", "", "JSON fixtures to apply")
	certFile := flag.String("cert", "", "with -tls: the server certificate (PEM), else Go's test certificate")
	keyFile := flag.String("key", "", "with -cert: its private key (PEM)")
	esx := flag.Bool("esx", false, "a single ESXi host (simulator.ESX) instead of a vCenter")
	vms := flag.Int("vms", 0, "a vCenter of about this many VMs (bench/vcenter.sh): one standalone host and one cluster, VMs spread over them")
	flag.Parse()

	m := simulator.VPX()
	if *esx {
		m = simulator.ESX()
	}
	if *vms > 0 {
		// VM count = Datacenter x (Host + Cluster x (1 + Pool)) x Machine (model.go):
		// 1 x (1 + 1 x 1) x Machine
		m.Machine = (*vms + 1) / 2
	}
	if err := m.Create(); err != nil {
		log.Fatal(err)
	}
	listen := &url.URL{Host: "127.0.0.1:0"}
	if *user != "" {
		parts := strings.SplitN(*user, ":", 2)
		listen.User = url.UserPassword(parts[0], parts[1])
	}
	m.Service.Listen = listen
	if *useTLS {
		m.Service.TLS = new(tls.Config)
		if *certFile != "" {
			cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
			if err != nil {
				log.Fatal(err)
			}
			m.Service.TLS.Certificates = []tls.Certificate{cert}
		}
	}
	s := m.Service.NewServer()
	if *fixFile != "" {
		data, err := ioutil.ReadFile(*fixFile)
		if err != nil {
			log.Fatal(err)
		}
		var fx fixtures
		if err := json.Unmarshal(data, &fx); err != nil {
			log.Fatalf("%s: %v", *fixFile, err)
		}
		ctx := context.Background()
		c, err := govmomi.NewClient(ctx, s.URL, true)
		if err != nil {
			log.Fatal(err)
		}
		apply(ctx, c, fx)
		_ = c.Logout(ctx)
	}
	fmt.Printf("url %s\n", s.URL.Host)
	os.Stdout.Sync()
	if *portFile != "" {
		port := s.URL.Port()
		if err := ioutil.WriteFile(*portFile+".tmp", []byte(port+"\n"), 0644); err != nil {
			log.Fatal(err)
		}
		os.Rename(*portFile+".tmp", *portFile)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	s.Close()
	m.Remove()
}
