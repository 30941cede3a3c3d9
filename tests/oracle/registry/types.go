// Package registry restates the Docker Engine's api/types/registry (Engine
// v25) for the differential tests: the same Go types, tags and functions, so
// Go's encoding/json produces the reference output and the reference errors
// (which name this package, as the Engine's do).
package registry

import (
	"encoding/json"
	"net"

	v1 "berth.invalid/oracle/v1"
)

// AuthHeader is the name of the header that carries an AuthConfig.
const AuthHeader = "X-Registry-Auth"

type AuthConfig struct {
	Username      string `json:"username,omitempty"`
	Password      string `json:"password,omitempty"`
	Auth          string `json:"auth,omitempty"`
	Email         string `json:"email,omitempty"`
	ServerAddress string `json:"serveraddress,omitempty"`
	IdentityToken string `json:"identitytoken,omitempty"`
	RegistryToken string `json:"registrytoken,omitempty"`
}

type AuthenticateOKBody struct {
	IdentityToken string `json:"IdentityToken"`
	Status        string `json:"Status"`
}

type SearchResult struct {
	StarCount   int    `json:"star_count"`
	IsOfficial  bool   `json:"is_official"`
	Name        string `json:"name"`
	IsAutomated bool   `json:"is_automated"`
	Description string `json:"description"`
}

type SearchResults struct {
	Query      string         `json:"query"`
	NumResults int            `json:"num_results"`
	Results    []SearchResult `json:"results"`
}

type IndexInfo struct {
	Name     string
	Mirrors  []string
	Secure   bool
	Official bool
}

type ServiceConfig struct {
	AllowNondistributableArtifactsCIDRs     []*NetIPNet
	AllowNondistributableArtifactsHostnames []string
	InsecureRegistryCIDRs                   []*NetIPNet           `json:"InsecureRegistryCIDRs"`
	IndexConfigs                            map[string]*IndexInfo `json:"IndexConfigs"`
	Mirrors                                 []string
}

type DistributionInspect struct {
	Descriptor v1.Descriptor
	Platforms  []v1.Platform
}

// NetIPNet is a net.IPNet whose JSON form is its CIDR text.
type NetIPNet net.IPNet

func (ipnet *NetIPNet) String() string {
	return (*net.IPNet)(ipnet).String()
}

func (ipnet *NetIPNet) MarshalJSON() ([]byte, error) {
	return json.Marshal((*net.IPNet)(ipnet).String())
}

func (ipnet *NetIPNet) UnmarshalJSON(b []byte) error {
	var text string
	if err := json.Unmarshal(b, &text); err != nil {
		return err
	}
	_, cidr, err := net.ParseCIDR(text)
	if err != nil {
		return err
	}
	*ipnet = NetIPNet(*cidr)
	return nil
}
