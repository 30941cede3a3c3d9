// The reference for BM_EngineClientInspectWarm: what the Go SDK does for a
// DistributionInspect — net/http over the Engine's unix socket (one kept-
// alive connection), the X-Registry-Auth header, encoding/json into the
// same shape — N times; prints the process's CPU time (user + system) per
// round trip in ns, as "ns_per_op N".
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"syscall"
	"time"
)

type descriptor struct {
	MediaType string `json:"mediaType"`
	Digest    string `json:"digest"`
	Size      int64  `json:"size"`
}

type platform struct {
	Architecture string   `json:"architecture"`
	OS           string   `json:"os"`
	OSVersion    string   `json:"os.version,omitempty"`
	OSFeatures   []string `json:"os.features,omitempty"`
	Variant      string   `json:"variant,omitempty"`
}

type distributionInspect struct {
	Descriptor descriptor `json:"Descriptor"`
	Platforms  []platform `json:"Platforms"`
}

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	socket, path, header := os.Args[1], os.Args[2], os.Args[3]
	n, _ := strconv.Atoi(os.Args[4])
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socket)
		},
	}}
	once := func() {
		req, _ := http.NewRequest(http.MethodGet, "http://api.moby.localhost"+path, nil)
		req.Header.Set("X-Registry-Auth", header)
		resp, err := client.Do(req)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var v distributionInspect
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || resp.StatusCode != 200 {
			fmt.Fprintln(os.Stderr, "bad answer", resp.StatusCode, err)
			os.Exit(1)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	once() // the connection, warm
	start := cpu()
	for i := 0; i < n; i++ {
		once()
	}
	fmt.Printf("ns_per_op %d\n", (cpu()-start).Nanoseconds()/int64(n))
}
