enum GatewayModule {}
