module berth.invalid/oracle

go 1.19
