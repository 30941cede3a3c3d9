module berth.bench/engineclient

go 1.19
